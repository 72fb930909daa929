#include <smart/measure/target_mix.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace smart {

namespace {

// Splits a line into words: spaces separate, quotes group, '#' outside
// quotes ends the line. Returns false (why set) on an unbalanced quote.
bool split_words(std::string_view line, std::vector<std::string>& words, std::string& why)
{
  words.clear();
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '#' && !in_word) {
      break;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      const auto close = line.find(c, i + 1);
      if (close == std::string_view::npos) {
        why = fmt::format("unbalanced {} quote", c);
        return false;
      }
      word.append(line.substr(i + 1, close - i - 1));
      i = close;
      continue;
    }
    word += c;
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  return true;
}

// A word split_words() reads back: bare when it can be, else quoted; a word
// with both quotes is written as quoted parts that join ('it'"'"'s').
std::string quote_if_needed(const std::string& word)
{
  if (word.find_first_of(" \t\r#'\"") == std::string::npos && !word.empty()) {
    return word;
  }
  if (word.find('\'') == std::string::npos) {
    return "'" + word + "'";
  }
  if (word.find('"') == std::string::npos) {
    return "\"" + word + "\"";
  }
  std::string out;
  std::size_t i = 0;
  while (i < word.size()) {
    const char quote = word[i] == '\'' ? '"' : '\'';
    const auto end = word.find(quote, i);
    const auto stop = std::min(end, word.size());
    out += quote;
    out.append(word, i, stop - i);
    out += quote;
    i = stop;
  }
  return out;
}

// A check option's value (--expect-status, --expect-body,
// --expect-min-bytes) into target; the problem, empty when it is good.
std::string take_check(const std::string& option, const std::string& value, MixTarget& target)
{
  if (option == "--expect-status") {
    if (!StatusSet::parse(value)) {
      return fmt::format("--expect-status '{}': expected codes and ranges such as 200-299,401 (100-599)",
                         util::printable(value, 60));
    }
    target.expect_status = value;
  } else if (option == "--expect-body") {
    if (value.empty()) {
      return "--expect-body must not be empty";
    }
    try {
      ResponseChecks probe;
      probe.set_expect_body(value);
    } catch (const UsageError& error) {
      return fmt::format("--expect-body: {}", error.what());
    }
    target.expect_body = value;
  } else {
    std::uint64_t bytes = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bytes);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
      return fmt::format("--expect-min-bytes '{}': expected a whole number of bytes",
                         util::printable(value, 60));
    }
    target.expect_min_bytes = bytes;
  }
  return {};
}

bool is_value_option(const std::string& word)
{
  return word == "-H" || word == "-X" || word == "--expect-status" || word == "--expect-body" ||
         word == "--expect-min-bytes";
}

// The words after a line's URL (weight, -X, -H, --expect-*) into target;
// each problem goes to problems, prefixed with at ("FILE:LINE").
void parse_words(const std::vector<std::string>& words, MixTarget& target, std::vector<std::string>& problems,
                 const std::string& at)
{
  bool weight_seen = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (is_value_option(word)) {
      if (i + 1 >= words.size()) {
        problems.push_back(fmt::format("{}: {} needs a value", at, word));
        break;
      }
      const std::string& value = words[++i];
      if (word != "-X" && word != "-H") {
        if (const std::string bad = take_check(word, value, target); !bad.empty()) {
          problems.push_back(fmt::format("{}: {}", at, bad));
        }
      } else if (word == "-X") {
        target.method = value;
      } else if (value.find(':') == std::string::npos || value.front() == ':') {
        problems.push_back(
          fmt::format("{}: header '{}' is not 'Name: value'", at, util::printable(value, 80)));
      } else {
        target.headers.push_back(value);
      }
      continue;
    }
    double weight = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), weight);
    if (weight_seen || ec != std::errc() || end != word.data() + word.size() || !(weight > 0) ||
        !std::isfinite(weight)) {
      problems.push_back(fmt::format("{}: '{}' is not a weight (a number above 0), -H, -X or --expect-*", at,
                                     util::printable(word, 80)));
      break;
    }
    weight_seen = true;
    target.weight = weight;
  }
  const Scheme scheme = target.target.scheme;
  if ((scheme == Scheme::tcp || scheme == Scheme::icmp || scheme == Scheme::dns) &&
      (!target.headers.empty() || target.method != "GET" || target.expect_status || target.expect_body ||
       target.expect_min_bytes)) {
    problems.push_back(
      fmt::format("{}: {}:// targets take no method, headers or response checks", at, to_string(scheme)));
  }
}

} // namespace

std::vector<MixTarget> parse_targets_file(std::string_view content, std::string_view name)
{
  std::vector<MixTarget> targets;
  std::vector<std::string> problems;
  std::vector<std::string> words;
  std::size_t line_number = 0;
  while (!content.empty()) {
    const auto nl = content.find('\n');
    const std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_number;
    std::string why;
    if (!split_words(line, words, why)) {
      problems.push_back(fmt::format("{}:{}: {}", name, line_number, why));
      continue;
    }
    if (words.empty()) {
      continue;
    }
    MixTarget target;
    try {
      target.target = parse_target(words[0]);
    } catch (const UsageError& error) {
      problems.push_back(fmt::format("{}:{}: {}", name, line_number, error.what()));
      continue;
    }
    parse_words(words, target, problems, fmt::format("{}:{}", name, line_number));
    targets.push_back(std::move(target));
  }
  if (problems.empty() && targets.empty()) {
    problems.push_back(fmt::format("{}: no targets", name));
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& problem : problems) {
      all += all.empty() ? "" : "\n";
      all += problem;
    }
    throw UsageError(all);
  }
  return targets;
}

std::vector<MixTarget> read_targets_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError("--targets {}: cannot be read", util::printable(path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return parse_targets_file(content.str(), path);
}

std::string format_target_line(const MixTarget& target)
{
  std::string line = quote_if_needed(target.target.url);
  line += fmt::format(" {}", target.weight);
  if (target.method != "GET") {
    line += " -X " + quote_if_needed(target.method);
  }
  for (const auto& header : target.headers) {
    line += " -H " + quote_if_needed(header);
  }
  if (target.expect_status) {
    line += " --expect-status " + quote_if_needed(*target.expect_status);
  }
  if (target.expect_body) {
    line += " --expect-body " + quote_if_needed(*target.expect_body);
  }
  if (target.expect_min_bytes) {
    line += fmt::format(" --expect-min-bytes {}", *target.expect_min_bytes);
  }
  return line;
}

ResponseChecks checks_for(const MixTarget& target, const ResponseChecks& global)
{
  ResponseChecks checks = global;
  if (target.expect_status) {
    const auto set = StatusSet::parse(*target.expect_status);
    if (!set) {
      throw UsageError("--expect-status '{}': expected codes and ranges such as 200-299,401 (100-599)",
                       util::printable(*target.expect_status, 60));
    }
    checks.status = *set;
  }
  if (target.expect_body) {
    checks.set_expect_body(*target.expect_body);
  }
  if (target.expect_min_bytes) {
    checks.min_bytes = target.expect_min_bytes;
  }
  return checks;
}

MixPicker::MixPicker(const std::vector<double>& weights) : m_weights(weights), m_current(weights.size(), 0.0)
{
  for (const double weight : weights) {
    m_total += weight;
  }
}

std::size_t MixPicker::next()
{
  std::size_t best = 0;
  for (std::size_t i = 0; i < m_weights.size(); ++i) {
    m_current[i] += m_weights[i];
    if (m_current[i] > m_current[best]) {
      best = i;
    }
  }
  m_current[best] -= m_total;
  return best;
}

} // namespace smart
