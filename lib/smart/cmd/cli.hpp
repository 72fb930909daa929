#pragma once

#include <boost/program_options.hpp>

#include <filesystem>
#include <optional>
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

// Parses argv; positional names map to positional. Throws on bad usage.
po::variables_map parse_command_line(int argc, char** argv, const po::options_description& desc,
                                     const po::positional_options_description& positional = {});

CommonOptions common_options(const po::variables_map& vm);

// Handles --help and --version: prints and returns true when the caller
// should exit 0. usage is the synopsis and description shown before options.
bool print_help_or_version(const CommonOptions& common, std::string_view tool, std::string_view usage,
                           const po::options_description& desc, std::string_view footer = {});

} // namespace smart::cmd
