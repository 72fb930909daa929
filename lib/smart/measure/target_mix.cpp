#include <smart/measure/target_mix.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

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

std::string quote_if_needed(const std::string& word)
{
  if (word.find_first_of(" \t#'\"") == std::string::npos && !word.empty()) {
    return word;
  }
  return word.find('\'') == std::string::npos ? "'" + word + "'" : "\"" + word + "\"";
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
    bool weight_seen = false;
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (word == "-H" || word == "-X") {
        if (i + 1 >= words.size()) {
          problems.push_back(fmt::format("{}:{}: {} needs a value", name, line_number, word));
          break;
        }
        const std::string& value = words[++i];
        if (word == "-X") {
          target.method = value;
        } else if (value.find(':') == std::string::npos || value.front() == ':') {
          problems.push_back(fmt::format("{}:{}: header '{}' is not 'Name: value'", name, line_number,
                                         util::printable(value, 80)));
        } else {
          target.headers.push_back(value);
        }
        continue;
      }
      double weight = 0;
      const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), weight);
      if (weight_seen || ec != std::errc() || end != word.data() + word.size() || !(weight > 0) ||
          !std::isfinite(weight)) {
        problems.push_back(fmt::format("{}:{}: '{}' is not a weight (a number above 0), -H or -X", name,
                                       line_number, util::printable(word, 80)));
        break;
      }
      weight_seen = true;
      target.weight = weight;
    }
    if (target.target.scheme == Scheme::tcp && (!target.headers.empty() || target.method != "GET")) {
      problems.push_back(fmt::format("{}:{}: tcp:// targets take no method or headers", name, line_number));
    }
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
  return line;
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
