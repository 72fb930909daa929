#include <smart/run/target_list.hpp>

#include <smart/samples_csv.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cmath>
#include <regex>

namespace smart {

namespace json = boost::json;

namespace {

// A word of the targets file: bare, or quoted with the quote it does not
// contain (parse_mix refuses values with both).
std::string quoted(const std::string& word)
{
  if (!word.empty() && word.find_first_of(" \t#'\"") == std::string::npos) {
    return word;
  }
  return word.find('\'') == std::string::npos ? "'" + word + "'" : "\"" + word + "\"";
}

bool printable_line(std::string_view text)
{
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

bool valid_regex(const std::string& text)
{
  try {
    std::regex(text.substr(1, text.size() - 2), std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

bool both_quotes(std::string_view text)
{
  return text.find('\'') != std::string_view::npos && text.find('"') != std::string_view::npos;
}

// "Name: value" strings on one line each; bad(key, why) for each that is not.
template<class Bad>
void parse_headers(const json::value& headers, MixEntry& entry, const Bad& bad)
{
  if (!headers.is_array()) {
    bad("headers", "expected an array of \"Name: value\" strings");
    return;
  }
  for (std::size_t h = 0; h < headers.as_array().size(); ++h) {
    const auto& header = headers.as_array()[h];
    const std::string hat = fmt::format("headers[{}]", h);
    if (!header.is_string()) {
      bad(hat, "expected a \"Name: value\" string");
      continue;
    }
    const std::string text(header.as_string());
    if (text.find(':') == std::string::npos || text.front() == ':' || !printable_line(text) ||
        both_quotes(text)) {
      bad(hat, fmt::format("\"{}\" is not 'Name: value' on one line", util::printable(text, 80)));
      continue;
    }
    entry.headers.push_back(text);
  }
}

// The target's own expect_status, expect_body, expect_min_bytes.
template<class Bad>
void parse_checks(const json::object& object, MixEntry& entry, const Bad& bad)
{
  if (const auto* status = object.if_contains("expect_status")) {
    if (!status->is_string() || !StatusSet::parse(status->as_string())) {
      bad("expect_status", "expected a list of codes and ranges such as \"200-299,401\" (100-599)");
    } else {
      entry.expect_status = std::string(status->as_string());
    }
  }
  if (const auto* body = object.if_contains("expect_body")) {
    const std::string text = body->is_string() ? std::string(body->as_string()) : std::string();
    if (text.empty() || !printable_line(text) || both_quotes(text)) {
      bad("expect_body", "expected a non-empty text on one line (\"/RE/\" for a regular expression), "
                         "not both kinds of quotes");
    } else if (text.size() >= 2 && text.front() == '/' && text.back() == '/' && !valid_regex(text)) {
      bad("expect_body", fmt::format("\"{}\" is not a regular expression", util::printable(text, 80)));
    } else {
      entry.expect_body = text;
    }
  }
  if (const auto* bytes = object.if_contains("expect_min_bytes")) {
    if (bytes->is_uint64()) {
      entry.expect_min_bytes = bytes->as_uint64();
    } else if (bytes->is_int64() && bytes->as_int64() >= 0) {
      entry.expect_min_bytes = static_cast<std::uint64_t>(bytes->as_int64());
    } else {
      bad("expect_min_bytes", "expected a whole number of bytes, 0 or more");
    }
  }
}

} // namespace

std::vector<MixEntry> parse_mix(const json::value& value, const TargetIssue& problem)
{
  std::vector<MixEntry> mix;
  if (!value.is_array() || value.as_array().empty()) {
    problem("targets", "expected a non-empty array of {\"url\", \"weight\", \"method\", \"headers\"}");
    return mix;
  }
  const auto& array = value.as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = fmt::format("targets[{}]", i);
    if (!array[i].is_object()) {
      problem(at, "expected an object {\"url\", \"weight\", \"method\", \"headers\"}");
      continue;
    }
    const auto& object = array[i].as_object();
    bool ok = true;
    const auto bad = [&](std::string_view key, std::string_view why) {
      problem(fmt::format("{}.{}", at, key), why);
      ok = false;
    };
    for (const auto& [key, item] : object) {
      if (key != "url" && key != "weight" && key != "method" && key != "headers" && key != "comment" &&
          key != "expect_status" && key != "expect_body" && key != "expect_min_bytes") {
        bad(std::string_view(key),
            "unknown key (url, weight, method, headers, expect_status, expect_body, expect_min_bytes)");
      }
    }
    MixEntry entry;
    const auto* url = object.if_contains("url");
    if (!url || !url->is_string()) {
      bad("url", "missing (an http://, https:// or tcp:// URL)");
    } else {
      entry.url = std::string(url->as_string());
      const bool scheme = util::starts_with(entry.url, "http://") ||
                          util::starts_with(entry.url, "https://") || util::starts_with(entry.url, "tcp://");
      if (!scheme || entry.url.find_first_of(" \t'\"#") != std::string::npos || !printable_line(entry.url)) {
        bad("url", fmt::format("\"{}\" is not an http://, https:// or tcp:// URL without spaces or quotes",
                               util::printable(entry.url, 80)));
      }
    }
    if (const auto* weight = object.if_contains("weight")) {
      if (!weight->is_number() || !(weight->to_number<double>() > 0) ||
          !std::isfinite(weight->to_number<double>())) {
        bad("weight", "expected a number above 0");
      } else {
        entry.weight = weight->to_number<double>();
      }
    }
    if (const auto* method = object.if_contains("method")) {
      const bool token =
        method->is_string() && !method->as_string().empty() &&
        std::string_view(method->as_string()).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
          std::string_view::npos;
      if (!token) {
        bad("method", "expected an HTTP method in capitals (GET, HEAD)");
      } else {
        entry.method = std::string(method->as_string());
      }
    }
    if (const auto* headers = object.if_contains("headers")) {
      parse_headers(*headers, entry, bad);
    }
    parse_checks(object, entry, bad);
    if (util::starts_with(entry.url, "tcp://") &&
        (entry.expect_status || entry.expect_body || entry.expect_min_bytes)) {
      bad("url", "a tcp:// target takes no expect_status, expect_body or expect_min_bytes");
    }
    if (ok) {
      mix.push_back(std::move(entry));
    }
  }
  return mix;
}

void check_load_mix(const std::vector<MixEntry>& mix, const TargetIssue& problem)
{
  // "http://host:port/path" up to the path: the origin.
  const auto origin = [](const std::string& url) {
    const auto scheme_end = url.find("://");
    return scheme_end == std::string::npos ? url : url.substr(0, url.find('/', scheme_end + 3));
  };
  for (std::size_t i = 0; i < mix.size(); ++i) {
    const std::string at = fmt::format("targets[{}].url", i);
    if (util::starts_with(mix[i].url, "tcp://")) {
      problem(at, "load mode needs http:// or https:// targets");
    } else if (origin(mix[i].url) != origin(mix.front().url)) {
      problem(at, fmt::format("load mode takes a mix on one origin, whose keep-alive connections its targets "
                              "share: \"{}\" is not on {}",
                              util::printable(mix[i].url, 80), util::printable(origin(mix.front().url), 80)));
    }
  }
}

std::string targets_file_text(const std::vector<MixEntry>& mix)
{
  std::string text = "# the experiment's targets (meta.json), written by smart-run\n";
  for (const auto& entry : mix) {
    text += fmt::format("{} {:g}", quoted(entry.url), entry.weight);
    if (entry.method != "GET") {
      text += " -X " + entry.method;
    }
    for (const auto& header : entry.headers) {
      text += " -H " + quoted(header);
    }
    if (entry.expect_status) {
      text += " --expect-status " + quoted(*entry.expect_status);
    }
    if (entry.expect_body) {
      text += " --expect-body " + quoted(*entry.expect_body);
    }
    if (entry.expect_min_bytes) {
      text += fmt::format(" --expect-min-bytes {}", *entry.expect_min_bytes);
    }
    text += "\n";
  }
  return text;
}

} // namespace smart
