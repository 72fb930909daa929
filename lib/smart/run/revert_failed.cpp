#include <smart/run/revert_failed.hpp>

#include <fmt/format.h>

#include <exception>

namespace smart {

std::string write_revert_failed(const RunStore& store, const boost::json::object& record)
{
  try {
    store.write_revert_failed(record);
  } catch (const std::exception& e) {
    return fmt::format("\nrevert_failed.json could NOT be written ({}); pending.json is kept, so the next "
                       "run tries the revert again",
                       e.what());
  }
  store.clear_pending();
  return {};
}

} // namespace smart
