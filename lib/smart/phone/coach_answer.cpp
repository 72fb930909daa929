#include <smart/phone/coach_answer.hpp>

namespace smart {

namespace json = boost::json;

json::object to_json(const CoachAnswer& answer)
{
  json::object out;
  out["verdict"] = answer.verdict;
  out["confidence"] = answer.confidence;
  out["reason"] = answer.reason;
  return out;
}

} // namespace smart
