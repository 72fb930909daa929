#pragma once

#include <smart/decision_reply.hpp>
#include <smart/phone/coach_answer.hpp>
#include <smart/phone/host_metrics.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

// A local model as the coach (COACH_MODE=openai; docs/coach.md): an
// OpenAI-compatible chat completion (llama.cpp server, Ollama, vLLM...),
// the prompt it gets and how its free-text answer is read. Pure functions
// over values.

namespace smart {

// COACH_URL is the base ("http://127.0.0.1:8080" or ".../v1") or the full
// ".../chat/completions" endpoint.
std::string openai_endpoint(std::string_view url);
// The prompt: the metrics, the thresholds,
// the proposed verdict, and the answer format we parse.
std::string build_prompt(const std::string& variant, const DecisionReply& decision, const HostMetrics& host);
std::string build_openai_request(const std::string& model, const std::string& prompt);
// The model's text from a chat-completion response; nullopt when absent.
std::optional<std::string> openai_content(std::string_view body);
// KEEP or REVERT (first word, or a "VERDICT:" line), an optional
// "CONFIDENCE: x" (0..1 or a percentage) and "REASON: ..."; nullopt for any
// other answer (which means revert). Missing confidence is 0.
std::optional<CoachAnswer> parse_model_answer(std::string_view text);

} // namespace smart
