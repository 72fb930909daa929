#include <smart/cmd/cli.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <vector>

namespace smart::cmd {

void add_common_options(po::options_description& desc)
{
  desc.add_options()("config", po::value<std::string>()->value_name("FILE"),
                     "configuration file (default: $SMART_CONF, else /etc/smart/smart.conf)")(
    "help,h", "show this help and exit")("version,V", "show the version and exit");
}

namespace {

// "--concurency" -> "--concurrency", when one long option is that close.
std::optional<std::string> closest_option(const po::options_description& desc, std::string_view given)
{
  std::string_view word = given;
  while (!word.empty() && word.front() == '-') {
    word.remove_prefix(1);
  }
  word = word.substr(0, word.find('='));
  std::vector<std::string> names;
  for (const auto& option : desc.options()) {
    if (option->long_name().size() > 1) {
      names.push_back(option->long_name());
    }
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  if (auto best = util::did_you_mean(word, views)) {
    return "--" + *best;
  }
  return std::nullopt;
}

} // namespace

po::variables_map parse_command_line(int argc, char** argv, const po::options_description& desc,
                                     const po::positional_options_description& positional)
{
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(), vm);
  } catch (const po::unknown_option& e) {
    const auto near = closest_option(desc, e.get_option_name());
    throw UsageError("unknown option '{}'{}\nTry '{} --help' for more information.",
                     util::printable(e.get_option_name(), 80),
                     near ? fmt::format(" (did you mean {}?)", *near) : std::string(), program_name());
  }
  po::notify(vm);
  return vm;
}

std::uint64_t whole_number_option(std::string_view option, std::string_view text, std::uint64_t min,
                                  std::uint64_t max)
{
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    throw UsageError("--{} '{}': expected a whole number {}", option, util::printable(text, 40),
                     max == std::numeric_limits<std::uint64_t>::max()
                       ? fmt::format("from {} up", min)
                       : fmt::format("from {} to {}", min, max));
  }
  return value;
}

double number_option(std::string_view option, std::string_view text, double min, double max)
{
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < min ||
      value > max) {
    throw UsageError("--{} '{}': expected a number from {} to {}", option, util::printable(text, 40), min,
                     max);
  }
  return value;
}

namespace {

constexpr std::size_t help_width = 80;
constexpr std::size_t help_column = 29;

// "-t, --timeout=T" and " (default: 5s)" from boost's "T (=5s)".
std::pair<std::string, std::string> option_head(const po::option_description& option)
{
  const std::string display = option.canonical_display_name(po::command_line_style::allow_dash_for_short);
  std::string head = "  ";
  if (display.size() == 2 && display[0] == '-' && display != "--") {
    head += display + ", ";
  } else {
    head += "    ";
  }
  head += "--" + option.long_name();
  std::string parameter = option.format_parameter();
  std::string default_text;
  if (const auto at = parameter.find(" (="); at != std::string::npos && parameter.back() == ')') {
    // \x1f: a space the wrapping keeps ("(default: 5s)" stays on one line).
    default_text = fmt::format(" (default:\x1f{})", parameter.substr(at + 3, parameter.size() - at - 4));
    parameter.erase(at);
  }
  if (!parameter.empty()) {
    head += "=" + parameter;
  }
  return {head, default_text};
}

void print_wrapped(std::ostream& out, std::string head, std::string_view text)
{
  const auto emit = [&out](std::string& line) {
    std::replace(line.begin(), line.end(), '\x1f', ' ');
    out << line << '\n';
  };
  std::string line = std::move(head);
  if (line.size() + 2 > help_column) {
    out << line << '\n';
    line.clear();
  }
  line.resize(help_column, ' ');
  bool first = true;
  for (const auto word : util::split(text, ' ')) {
    if (word.empty()) {
      continue;
    }
    if (!first && line.size() + 1 + word.size() > help_width) {
      emit(line);
      line = std::string(help_column, ' ');
      first = true;
    }
    line += first ? std::string(word) : " " + std::string(word);
    first = false;
  }
  emit(line);
}

} // namespace

void print_options(std::ostream& out, std::initializer_list<HelpGroup> groups)
{
  for (const auto& group : groups) {
    out << '\n' << group.caption << ":\n";
    for (const auto& option : group.options->options()) {
      auto [head, default_text] = option_head(*option);
      print_wrapped(out, std::move(head), option->description() + default_text);
    }
  }
}

CommonOptions common_options(const po::variables_map& vm)
{
  CommonOptions common;
  common.help = vm.count("help") > 0;
  common.version = vm.count("version") > 0;
  if (vm.count("config")) {
    common.config = vm["config"].as<std::string>();
  }
  return common;
}

bool print_help_or_version(const CommonOptions& common, std::string_view tool, std::string_view usage,
                           std::initializer_list<HelpGroup> groups, std::string_view footer)
{
  if (common.help) {
    std::cout << usage << '\n';
    print_options(std::cout, groups);
    if (!footer.empty()) {
      std::cout << '\n' << footer << '\n';
    }
    return true;
  }
  if (common.version) {
    fmt::print("{} {}\n", tool, smart::version);
    return true;
  }
  return false;
}

bool print_help_or_version(const CommonOptions& common, std::string_view tool, std::string_view usage,
                           const po::options_description& desc, std::string_view footer)
{
  return print_help_or_version(common, tool, usage, {HelpGroup{"Options", &desc}}, footer);
}

} // namespace smart::cmd
