#include <smart/phone/retry.hpp>

#include <smart/util/random.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <thread>

namespace smart {

RetryEnvironment real_retry_environment()
{
  return RetryEnvironment{
    [](Seconds duration) { std::this_thread::sleep_for(duration); },
    [] { return std::chrono::system_clock::now(); },
    [] { return util::random_unit(); },
  };
}

std::optional<Seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
  value = util::trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    long long seconds = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) {
      return Seconds(1e12); // absurdly far: treated as "too long"
    }
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      return std::nullopt;
    }
    return Seconds(static_cast<double>(seconds));
  }
  // IMF-fixdate, the only date form senders may generate (RFC 9110 5.6.7).
  std::tm tm{};
  const std::string text(value);
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  const auto when = std::chrono::system_clock::from_time_t(::timegm(&tm));
  if (when <= now) {
    return Seconds(0);
  }
  return std::chrono::duration_cast<Seconds>(when - now);
}

Seconds backoff_delay(const RetryPolicy& policy, int retry, double random_unit)
{
  const double ceiling =
    std::min(policy.max_delay.count(), policy.base_delay.count() * std::pow(2.0, std::min(retry, 30)));
  return Seconds(ceiling * std::clamp(random_unit, 0.0, 1.0));
}

bool is_retryable_status(long status)
{
  return status >= 500 || status == 408 || status == 429;
}

bool rejects_payload(long status)
{
  if (status < 400 || status >= 500 || is_retryable_status(status)) {
    return false;
  }
  switch (status) {
  case 401: // the token
  case 403:
  case 404: // COACH_URL
  case 405:
  case 410:
  case 421:
  case 407: // a proxy wants credentials
  case 426: // the coach wants another scheme (https)
    return false;
  default:
    return true;
  }
}

std::string describe(const HttpResult& result)
{
  if (const auto* error = std::get_if<TransportError>(&result)) {
    return fmt::format("{}: {}", to_string(error->kind), error->message);
  }
  return fmt::format("HTTP {}", std::get<HttpResponse>(result).status);
}

namespace {

bool is_retryable(const HttpResult& result)
{
  if (const auto* error = std::get_if<TransportError>(&result)) {
    return error->kind != TransportErrorKind::other;
  }
  return is_retryable_status(std::get<HttpResponse>(result).status);
}

} // namespace

Delivery send_with_retries(HttpClient& client, const HttpRequest& request, const RetryPolicy& policy,
                           const RetryEnvironment& environment)
{
  Delivery delivery;
  const auto start = environment.now();
  const auto remaining = [&]() -> std::optional<Seconds> {
    if (!policy.deadline) {
      return std::nullopt;
    }
    return *policy.deadline - std::chrono::duration_cast<Seconds>(environment.now() - start);
  };

  for (int attempt = 0; attempt < std::max(1, policy.max_attempts); ++attempt) {
    HttpRequest this_request = request;
    if (auto left = remaining()) {
      if (left->count() <= 0) {
        delivery.detail += " (deadline reached)";
        return delivery;
      }
      this_request.total_timeout = std::min(this_request.total_timeout, *left);
      this_request.connect_timeout = std::min(this_request.connect_timeout, *left);
    }
    const HttpResult result = client.send(this_request);
    ++delivery.attempts;
    delivery.detail = describe(result);
    if (const auto* response = std::get_if<HttpResponse>(&result)) {
      delivery.response = *response;
      if (response->status >= 200 && response->status < 300) {
        delivery.status = DeliveryStatus::delivered;
        return delivery;
      }
      if (response->status == 401 || response->status == 403) {
        delivery.status = DeliveryStatus::unauthorized;
        return delivery;
      }
    }
    if (!is_retryable(result)) {
      delivery.status =
        std::holds_alternative<HttpResponse>(result) ? DeliveryStatus::rejected : DeliveryStatus::gave_up;
      return delivery;
    }
    if (attempt + 1 >= policy.max_attempts) {
      break;
    }
    Seconds wait = backoff_delay(policy, attempt, environment.random_unit());
    if (const auto* response = std::get_if<HttpResponse>(&result); response && response->retry_after) {
      if (auto asked = parse_retry_after(*response->retry_after, environment.now())) {
        if (*asked > policy.max_retry_after) {
          delivery.detail += fmt::format(" (Retry-After {:.0f}s is longer than the {:.0f}s we wait)",
                                         asked->count(), policy.max_retry_after.count());
          return delivery;
        }
        wait = *asked;
      }
    }
    if (auto left = remaining(); left && wait >= *left) {
      delivery.detail += " (deadline reached)";
      return delivery;
    }
    environment.sleep(wait);
  }
  delivery.detail += fmt::format(" (after {} attempts)", delivery.attempts);
  return delivery;
}

} // namespace smart
