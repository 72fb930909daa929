#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

// Command-line helpers shared by the tools' mains: the common options
// (--help, --version, --config) and parsing into a variables_map.

namespace smart::cmd {

namespace po = boost::program_options;

struct CommonOptions {
  bool help = false;
  bool version = false;
  std::optional<std::filesystem::path> config;
};

// Adds --help, --version and --config to desc.
void add_common_options(po::options_description& desc);

// Parses argv; positional names map to positional. Throws on bad usage; an
// unknown option throws smart::UsageError with the closest known option
// ("did you mean --concurrency?").
po::variables_map parse_command_line(int argc, char** argv, const po::options_description& desc,
                                     const po::positional_options_description& positional = {});

CommonOptions common_options(const po::variables_map& vm);

// Numbers on the command line are read as text and checked here, so that
// "-3" for a count is an error rather than 2^64 - 3, and a default prints in
// --help as written. Both throw smart::UsageError naming the option, e.g.
// "--count '-3': expected a whole number from 1 up".
std::uint64_t whole_number_option(std::string_view option, std::string_view text, std::uint64_t min = 0,
                                  std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
// A finite decimal number in [min, max].
double number_option(std::string_view option, std::string_view text, double min, double max);

// A group of options in --help, under its caption ("Options", "Load mode").
struct HelpGroup {
  std::string_view caption;
  const po::options_description* options;
};

// The options as the best command lines show them:
//   "  -t, --timeout=T          per probe ... (default: 5s)"
// one group after the other under its caption, descriptions wrapped at 80
// columns.
void print_options(std::ostream& out, std::initializer_list<HelpGroup> groups);

// Handles --help and --version: prints and returns true when the caller
// should exit 0. usage is the synopsis and description shown before options.
bool print_help_or_version(const CommonOptions& common, std::string_view tool, std::string_view usage,
                           const po::options_description& desc, std::string_view footer = {});
// The same for options in several groups.
bool print_help_or_version(const CommonOptions& common, std::string_view tool, std::string_view usage,
                           std::initializer_list<HelpGroup> groups, std::string_view footer = {});

} // namespace smart::cmd
