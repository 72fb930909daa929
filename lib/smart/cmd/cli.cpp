#include <smart/cmd/cli.hpp>

#include <smart/version.hpp>

#include <fmt/format.h>

#include <iostream>

namespace smart::cmd {

void add_common_options(po::options_description& desc)
{
  desc.add_options()("config", po::value<std::string>()->value_name("FILE"),
                     "configuration file (default: $SMART_CONF, else /etc/smart/smart.conf)")(
    "help,h", "show this help and exit")("version,V", "show the version and exit");
}

po::variables_map parse_command_line(int argc, char** argv, const po::options_description& desc,
                                     const po::positional_options_description& positional)
{
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
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
                           const po::options_description& desc, std::string_view footer)
{
  if (common.help) {
    std::cout << usage << "\n\n" << desc << '\n';
    if (!footer.empty()) {
      std::cout << footer << '\n';
    }
    return true;
  }
  if (common.version) {
    fmt::print("{} {}\n", tool, smart::version);
    return true;
  }
  return false;
}

} // namespace smart::cmd
