#pragma once

#include <smart/phone/http_client.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

// How smart-phone retries a request to the coach.
//
// Retried: transport failures (timeout, refused, reset, DNS, TLS handshake),
// 5xx, 408 and 429. A Retry-After header (seconds or an HTTP date) is honoured
// when it is within max_retry_after; a longer one ends the attempts at once
// (the payload waits in the outbox rather than the timer run waiting an
// hour). Otherwise exponential backoff with full jitter:
//   delay(n) = random[0, min(max_delay, base * 2^n)], n = 0, 1, ...
// Not retried: other 4xx (401/403 mean a bad token, the rest a request the
// coach will never accept), 3xx (redirects are not followed: they would carry
// the token elsewhere). No attempt starts after the deadline.

namespace smart {

struct RetryPolicy {
  int max_attempts = 4; // first try included
  Seconds base_delay{1};
  Seconds max_delay{30};
  Seconds max_retry_after{60};
  std::optional<Seconds> deadline; // overall budget from the first attempt
};

enum class DeliveryStatus {
  delivered,    // 2xx
  unauthorized, // 401 or 403: the token is missing, wrong or revoked
  rejected,     // another 4xx or a 3xx: the coach will not take this request
  gave_up,      // transient failures until attempts, deadline or Retry-After ran out
};

struct Delivery {
  DeliveryStatus status = DeliveryStatus::gave_up;
  std::optional<HttpResponse> response; // the last response, if any came
  std::string detail;                   // one line for a message: what happened last
  int attempts = 0;
};

// The seams that make the policy testable without waiting.
struct RetryEnvironment {
  std::function<void(Seconds)> sleep;
  std::function<std::chrono::system_clock::time_point()> now;
  std::function<double()> random_unit; // [0, 1)
};
RetryEnvironment real_retry_environment();

// Retry-After as a wait from now: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2026 07:28:00 GMT"); a date in the past is 0. nullopt when
// the value is neither.
std::optional<Seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// The backoff before attempt number `retry` (0 = the first retry).
Seconds backoff_delay(const RetryPolicy& policy, int retry, double random_unit);

bool is_retryable_status(long status);

// A non-retried answer to a run report: is it about this payload (true) or
// about the configuration (false)? About the payload: a 4xx other than those
// below (400, 409, 413, 422 ...): the coach will never take it as it is, so
// it goes to the outbox's dead letters rather than being sent again. About
// the configuration, every payload would fare the same until a human fixes
// it, so it waits in the outbox: 401/403 (the token), 404, 405, 410, 421
// (COACH_URL), 407 (a proxy), 426 (the scheme), a 3xx (redirects are not
// followed). 408 and 429 are retried, never rejections.
bool rejects_payload(long status);

Delivery send_with_retries(HttpClient& client, const HttpRequest& request, const RetryPolicy& policy,
                           const RetryEnvironment& environment = real_retry_environment());

// "HTTP 503", "timeout: Operation timed out after 1000 ms" etc.
std::string describe(const HttpResult& result);

} // namespace smart
