#include <smart/phone/retry.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <vector>

using namespace smart;
using namespace std::chrono_literals;

namespace {

// Replays scripted results and records what was sent; time is virtual.
class FakeClient : public HttpClient {
public:
  std::deque<HttpResult> script;
  std::vector<HttpRequest> sent;
  HttpResult send(const HttpRequest& request) override
  {
    sent.push_back(request);
    REQUIRE_FALSE(script.empty());
    auto result = script.front();
    script.pop_front();
    return result;
  }
};

struct VirtualTime {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'800'000'000);
  std::vector<double> sleeps;
  double random = 0.5;
  RetryEnvironment environment()
  {
    return RetryEnvironment{
      [this](Seconds d) {
        sleeps.push_back(d.count());
        now += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
      },
      [this] { return now; },
      [this] { return random; },
    };
  }
};

HttpResponse status(long code, std::optional<std::string> retry_after = std::nullopt)
{
  return HttpResponse{code, "", std::move(retry_after)};
}

} // namespace

TEST_CASE("parse_retry_after reads seconds and HTTP dates")
{
  const auto now = std::chrono::system_clock::from_time_t(1'445'412'480); // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("120", now)->count() == Approx(120));
  CHECK(parse_retry_after(" 0 ", now)->count() == Approx(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now)->count() == Approx(30));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now)->count() == Approx(0)); // past
  CHECK(parse_retry_after("99999999999999999999999", now)->count() > 1e9);
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("-5", now));
  CHECK_FALSE(parse_retry_after("1.5", now));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:30", now));
}

TEST_CASE("backoff doubles up to the cap, scaled by the jitter")
{
  RetryPolicy policy;
  policy.base_delay = 1s;
  policy.max_delay = 10s;
  CHECK(backoff_delay(policy, 0, 1.0).count() == Approx(1));
  CHECK(backoff_delay(policy, 1, 1.0).count() == Approx(2));
  CHECK(backoff_delay(policy, 3, 1.0).count() == Approx(8));
  CHECK(backoff_delay(policy, 4, 1.0).count() == Approx(10));
  CHECK(backoff_delay(policy, 1000, 1.0).count() == Approx(10));
  CHECK(backoff_delay(policy, 3, 0.25).count() == Approx(2));
  CHECK(backoff_delay(policy, 3, 0.0).count() == Approx(0));
}

TEST_CASE("transient failures are retried until a 2xx")
{
  FakeClient client;
  client.script = {TransportError{TransportErrorKind::connect, "refused"}, status(503),
                   TransportError{TransportErrorKind::timeout, "slow"}, status(201)};
  VirtualTime time;
  RetryPolicy policy;
  policy.max_attempts = 4;
  const auto delivery = send_with_retries(client, HttpRequest{}, policy, time.environment());
  CHECK(delivery.status == DeliveryStatus::delivered);
  CHECK(delivery.attempts == 4);
  CHECK(client.sent.size() == 4);
  REQUIRE(time.sleeps.size() == 3);
  CHECK(time.sleeps[0] == Approx(0.5));
  CHECK(time.sleeps[1] == Approx(1.0));
  CHECK(time.sleeps[2] == Approx(2.0));
}

TEST_CASE("attempts are bounded and the last failure is reported")
{
  FakeClient client;
  client.script = {status(500), status(502), status(500)};
  VirtualTime time;
  RetryPolicy policy;
  policy.max_attempts = 3;
  const auto delivery = send_with_retries(client, HttpRequest{}, policy, time.environment());
  CHECK(delivery.status == DeliveryStatus::gave_up);
  CHECK(delivery.attempts == 3);
  CHECK(delivery.detail.find("HTTP 500") != std::string::npos);
  CHECK(time.sleeps.size() == 2); // no sleep after the last attempt
}

TEST_CASE("401 and 403 are not retried")
{
  for (long code : {401L, 403L}) {
    FakeClient client;
    client.script = {status(code)};
    VirtualTime time;
    const auto delivery = send_with_retries(client, HttpRequest{}, RetryPolicy{}, time.environment());
    CHECK(delivery.status == DeliveryStatus::unauthorized);
    CHECK(delivery.attempts == 1);
  }
}

TEST_CASE("other 4xx and 3xx are rejected at once; 408 and 429 are retried")
{
  for (long code : {400L, 404L, 413L, 422L, 301L}) {
    FakeClient client;
    client.script = {status(code)};
    VirtualTime time;
    const auto delivery = send_with_retries(client, HttpRequest{}, RetryPolicy{}, time.environment());
    CHECK(delivery.status == DeliveryStatus::rejected);
    CHECK(delivery.attempts == 1);
  }
  for (long code : {408L, 429L}) {
    FakeClient client;
    client.script = {status(code), status(200)};
    VirtualTime time;
    const auto delivery = send_with_retries(client, HttpRequest{}, RetryPolicy{}, time.environment());
    CHECK(delivery.status == DeliveryStatus::delivered);
    CHECK(delivery.attempts == 2);
  }
}

TEST_CASE(
  "a rejection is about the payload only for a 4xx that is not about the token, the URL or the way there")
{
  for (long code : {400L, 409L, 411L, 413L, 415L, 422L, 451L}) {
    INFO(code);
    CHECK(rejects_payload(code));
  }
  // the token; COACH_URL; a proxy; the scheme; retried; redirects; not a 4xx
  for (long code : {401L, 403L, 404L, 405L, 410L, 421L, 407L, 426L, 408L, 429L,
                    301L, 302L, 307L, 308L, 200L, 201L, 500L, 503L, 100L, 0L}) {
    INFO(code);
    CHECK_FALSE(rejects_payload(code));
  }
}

TEST_CASE("Retry-After within the bound replaces the backoff")
{
  FakeClient client;
  client.script = {status(429, "7"), status(503, "Thu, 14 Jan 2027 08:00:03 GMT"), status(200)};
  VirtualTime time;
  time.now = std::chrono::system_clock::from_time_t(1'799'913'600); // Thu, 14 Jan 2027 08:00:00 GMT
  RetryPolicy policy;
  policy.max_retry_after = 60s;
  const auto delivery = send_with_retries(client, HttpRequest{}, policy, time.environment());
  CHECK(delivery.status == DeliveryStatus::delivered);
  REQUIRE(time.sleeps.size() == 2);
  CHECK(time.sleeps[0] == Approx(7));
  // The date is 3 s after the start; 7 s have passed, so it lies in the past.
  CHECK(time.sleeps[1] == Approx(0));
}

TEST_CASE("Retry-After beyond the bound ends the attempts without waiting")
{
  FakeClient client;
  client.script = {status(429, "3600")};
  VirtualTime time;
  RetryPolicy policy;
  policy.max_retry_after = 60s;
  const auto delivery = send_with_retries(client, HttpRequest{}, policy, time.environment());
  CHECK(delivery.status == DeliveryStatus::gave_up);
  CHECK(delivery.attempts == 1);
  CHECK(time.sleeps.empty());
  CHECK(delivery.detail.find("Retry-After") != std::string::npos);
}

TEST_CASE("a garbage Retry-After falls back to the backoff")
{
  FakeClient client;
  client.script = {status(503, "later, please"), status(200)};
  VirtualTime time;
  const auto delivery = send_with_retries(client, HttpRequest{}, RetryPolicy{}, time.environment());
  CHECK(delivery.status == DeliveryStatus::delivered);
  REQUIRE(time.sleeps.size() == 1);
  CHECK(time.sleeps[0] == Approx(0.5));
}

TEST_CASE("the deadline bounds waits and shortens request timeouts")
{
  FakeClient client;
  client.script = {status(503), status(503), status(503), status(503)};
  VirtualTime time;
  time.random = 1.0;
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.base_delay = 2s;
  policy.deadline = 5s;
  HttpRequest request;
  request.total_timeout = 30s;
  const auto delivery = send_with_retries(client, request, policy, time.environment());
  CHECK(delivery.status == DeliveryStatus::gave_up);
  // Attempt at 0 s, wait 2 s, attempt at 2 s, the next wait (4 s) would pass 5 s.
  CHECK(delivery.attempts == 2);
  CHECK(client.sent[0].total_timeout.count() == Approx(5));
  CHECK(client.sent[1].total_timeout.count() == Approx(3));
  CHECK(delivery.detail.find("deadline") != std::string::npos);
}

TEST_CASE("a transport error that retrying cannot fix is not retried")
{
  FakeClient client;
  client.script = {TransportError{TransportErrorKind::other, "unsupported protocol"}};
  VirtualTime time;
  const auto delivery = send_with_retries(client, HttpRequest{}, RetryPolicy{}, time.environment());
  CHECK(delivery.status == DeliveryStatus::gave_up);
  CHECK(delivery.attempts == 1);
}
