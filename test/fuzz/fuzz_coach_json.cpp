// libFuzzer target: what a coach sends back over the network (api mode's
// advice and answer, an OpenAI-compatible chat completion). Readers are
// lenient by contract: anything at all yields a value or nullopt, never an
// exception or a crash.
#include <smart/phone/coach_api.hpp>
#include <smart/phone/coach_json.hpp>
#include <smart/phone/coach_llm.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (const auto advice = smart::parse_advice(body)) {
    (void)smart::to_json(*advice, smart::util::SystemTime{});
  }
  if (const auto answer = smart::parse_api_answer(body)) {
    if (answer->verdict != "keep" && answer->verdict != "revert") {
      std::abort();
    }
    (void)smart::to_json(*answer);
  }
  if (const auto content = smart::openai_content(body)) {
    (void)smart::parse_model_answer(*content);
  }
  if (const auto value = smart::coach_json::parse(body)) {
    (void)smart::coach_json::string_of(smart::coach_json::find(*value, "reason"), "-");
    (void)smart::coach_json::confidence_of(*value);
  }
  return 0;
}
