#pragma once

#include <smart/run_store.hpp>

#include <boost/json/object.hpp>

#include <string>

// Recording a failed revert must not itself fail the run: the alarm and
// exit 3 matter more than the file.

namespace smart {

// Writes revert_failed.json and removes pending.json (revert_failed.json
// then holds what pending.json said, for a human). When revert_failed.json
// cannot be written (a full disk, an unwritable state directory), pending.json
// is kept, so the next run tries the revert again, and the returned text
// (for the alarm) says so; empty when it was written. Never throws.
std::string write_revert_failed(const RunStore& store, const boost::json::object& record);

} // namespace smart
