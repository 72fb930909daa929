// libFuzzer target: a local model's free-text answer (COACH_MODE=openai).
// Anything but a clear KEEP or REVERT is nullopt (which means revert); the
// confidence read must stay within 0..1.
#include <smart/phone/coach_llm.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto answer = smart::parse_model_answer(text)) {
    const bool verdict_ok = answer->verdict == "keep" || answer->verdict == "revert";
    if (!verdict_ok || !(answer->confidence >= 0 && answer->confidence <= 1)) {
      std::abort();
    }
    (void)smart::to_json(*answer);
  }
  return 0;
}
