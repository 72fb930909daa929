#include <smart/cmd/phone_modes.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/phone/coach_api.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/http_client.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/random.hpp>
#include <smart/util/sha256.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>
#include <sys/stat.h>

#include <thread>

namespace smart::cmd::phone_mode {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// Where the API key goes: COACH_TOKEN_FILE, or the default in /etc/credstore.
struct KeyFile {
  fs::path path;
  bool configured = false; // COACH_TOKEN_FILE set
};

// The key file, checked before anything is sent: not there yet (unless
// --force), in a directory that exists (the default one is created) and
// may be written to.
KeyFile key_file_of(const Config& config, const PhoneOptions& options)
{
  const std::string configured = config.coach_token_file();
  const fs::path key_file = configured.empty() ? fs::path(default_token_file) : fs::path(configured);
  std::error_code ec;
  if (fs::exists(key_file, ec) && !options.force) {
    throw UsageError("{}: already exists (this host is registered); use --force to register again",
                     key_file.string());
  }
  const fs::path key_dir = key_file.parent_path().empty() ? fs::path(".") : key_file.parent_path();
  if (configured.empty() && !fs::is_directory(key_dir, ec)) {
    // /etc/credstore: root-only, as systemd expects it.
    fs::create_directories(key_dir, ec);
    ::chmod(key_dir.c_str(), 0700);
  }
  if (!fs::is_directory(key_dir, ec)) {
    throw UsageError("{}: the directory for the API key does not exist", key_file.string());
  }
  if (::access(key_dir.c_str(), W_OK) != 0) {
    throw UsageError("{}: cannot write there (run --register as root, or set COACH_TOKEN_FILE)",
                     key_file.string());
  }
  return {key_file, !configured.empty()};
}

// Sends the claim token's SHA-256 (never the token) with the host name and
// version; returns the hash.
std::string send_claim(HttpClient& client, const CoachSettings& settings, const std::string& claim_token)
{
  const std::string token_hash = util::sha256_hex(claim_token);
  json::object body;
  body["token_hash"] = token_hash;
  body["hostname"] = host_name();
  body["version"] = smart::version;
  const auto request =
    coach_request(settings, join_url(settings.url, "claims"), util::write_json(body), token_hash);
  const Delivery delivery = send_with_retries(client, request, settings.retry);
  if (delivery.status != DeliveryStatus::delivered) {
    throw Error(message_for(delivery, "registration"));
  }
  return token_hash;
}

// A 200 answer to a poll: stores the API key 0600 if it holds one (true).
bool store_api_key(const HttpResponse& response, const KeyFile& key_file)
{
  boost::system::error_code json_ec;
  const auto value = json::parse(response.body, json_ec);
  const auto* key = (!json_ec && value.is_object()) ? value.as_object().if_contains("api_key") : nullptr;
  if (key == nullptr || !key->is_string() || key->as_string().empty()) {
    return false;
  }
  const std::string api_key(key->as_string());
  if (api_key.find_first_of("\r\n") != std::string::npos) {
    throw Error("the coach sent an API key with line breaks; not stored");
  }
  util::write_file_atomically(key_file.path, api_key + "\n", 0600);
  note(fmt::format("claimed: API key stored in {} (mode 0600)", key_file.path.string()));
  if (!key_file.configured) {
    note("smart-run.service passes it to smart-phone (LoadCredential=coach_token)");
  } else {
    note(fmt::format("the service reads it through LoadCredential=coach_token:{} (or COACH_TOKEN_FILE, "
                     "when the smart user may read it)",
                     key_file.path.string()));
  }
  return true;
}

// Polls the claim every --poll-interval until the key comes, the claim is
// refused, or --wait is over.
void wait_for_claim(HttpClient& client, const CoachSettings& settings, const PhoneOptions& options,
                    const std::string& token_hash, const KeyFile& key_file)
{
  const auto deadline =
    std::chrono::steady_clock::now() +
    std::chrono::duration_cast<std::chrono::steady_clock::duration>(options.register_wait);
  HttpRequest poll =
    coach_request(settings, join_url(settings.url, "claims/" + token_hash), "", std::nullopt);
  poll.method = "GET";
  while (true) {
    const HttpResult result = client.send(poll);
    if (const auto* response = std::get_if<HttpResponse>(&result)) {
      if (response->status == 200) {
        if (store_api_key(*response, key_file)) {
          return;
        }
      } else if (response->status == 401 || response->status == 403 || response->status == 410) {
        throw Error("the claim was refused or expired (HTTP {}); run --register again", response->status);
      } else if (response->status != 202 && response->status != 404 &&
                 !is_retryable_status(response->status)) {
        throw Error("unexpected answer while waiting for the claim: HTTP {}", response->status);
      }
    }
    if (std::chrono::steady_clock::now() + options.poll_interval > deadline) {
      throw Error("the server was not claimed within {:.0f}s; run --register again",
                  options.register_wait.count());
    }
    std::this_thread::sleep_for(options.poll_interval);
  }
}

} // namespace

int register_host(const Config& config, CoachSettings settings, const PhoneOptions& options)
{
  if (settings.url.empty()) {
    throw UsageError("no coach configured: COACH_URL is empty");
  }
  if (settings.mode != CoachMode::api) {
    throw UsageError("--register works with COACH_MODE=api only");
  }
  const KeyFile key_file = key_file_of(config, options);

  const std::string claim_token = util::to_hex(util::random_bytes(16));
  auto client = make_curl_client();
  const std::string token_hash = send_claim(*client, settings, claim_token);

  // Shown once, to the operator, on the terminal; never stored.
  fmt::print("Claim this server on the coach with this token (shown once):\n\n    {}\n\n"
             "Waiting up to {:.0f}s for the claim...\n",
             claim_token, options.register_wait.count());
  std::fflush(stdout);

  wait_for_claim(*client, settings, options, token_hash, key_file);
  return to_int(ExitCode::ok);
}

} // namespace smart::cmd::phone_mode
