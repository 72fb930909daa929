#pragma once

#include <boost/json/object.hpp>

#include <string>

// The coach's answer to a borderline question, whichever mode asked it: what
// smart-phone --ask prints as one JSON line on stdout for smart-run.

namespace smart {

struct CoachAnswer {
  std::string verdict; // keep | revert
  double confidence = 0;
  std::string reason;
};
// {verdict, confidence, reason}
boost::json::object to_json(const CoachAnswer& answer);

} // namespace smart
