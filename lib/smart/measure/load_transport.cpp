#include <smart/measure/load_transport.hpp>

#include <smart/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

namespace smart {

namespace {

class PlainTransport final : public Transport {
public:
  IoResult connect(int fd) override
  {
    m_fd = fd;
    return {};
  }

  IoResult handshake() override { return {}; }
  bool has_handshake() const override { return false; }

  IoResult read(char* data, std::size_t size) override
  {
    const ssize_t n = ::recv(m_fd, data, size, 0);
    if (n > 0) {
      return {IoStatus::done, static_cast<std::size_t>(n), 0};
    }
    if (n == 0) {
      return {IoStatus::eof, 0, 0};
    }
    if (errno == EAGAIN || errno == EINTR) {
      return {IoStatus::want_read, 0, 0};
    }
    return {IoStatus::failed, 0, errno};
  }

  IoResult write(const char* data, std::size_t size) override
  {
    while (true) {
      const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
      if (n >= 0) {
        return {IoStatus::done, static_cast<std::size_t>(n), 0};
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN) {
        return {IoStatus::want_write, 0, 0};
      }
      return {IoStatus::failed, 0, errno};
    }
  }

  // Level-triggered epoll says when the socket has more.
  bool readable() const override { return false; }

  void close() override { m_fd = -1; }

private:
  int m_fd = -1;
};

class PlainKind final : public TransportKind {
public:
  std::unique_ptr<Transport> make() const override { return std::make_unique<PlainTransport>(); }
};

// The errno of a failed OpenSSL call: the system's for a failed system
// call, else ECONNRESET (the stream is unusable either way).
int failure_errno(int ssl_error, int saved_errno)
{
  return ssl_error == SSL_ERROR_SYSCALL && saved_errno != 0 ? saved_errno : ECONNRESET;
}

class TlsTransport final : public Transport {
public:
  TlsTransport(SSL_CTX* ctx, const std::string& sni) : m_ctx(ctx), m_sni(sni) {}

  ~TlsTransport() override
  {
    close();
    SSL_SESSION_free(m_session);
  }

  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  IoResult connect(int fd) override
  {
    m_ssl = SSL_new(m_ctx);
    if (m_ssl == nullptr || SSL_set_fd(m_ssl, fd) != 1 ||
        (!m_sni.empty() && SSL_ctrl(m_ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                    const_cast<char*>(m_sni.c_str())) != 1)) {
      ERR_clear_error();
      return {IoStatus::failed, 0, ECONNRESET};
    }
    if (m_session != nullptr) {
      SSL_set_session(m_ssl, m_session);
    }
    SSL_set_connect_state(m_ssl);
    return handshake();
  }

  bool has_handshake() const override { return true; }

  IoResult handshake() override
  {
    const int rc = SSL_do_handshake(m_ssl);
    if (rc == 1) {
      return {};
    }
    switch (SSL_get_error(m_ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      return {IoStatus::want_read, 0, 0};
    case SSL_ERROR_WANT_WRITE:
      return {IoStatus::want_write, 0, 0};
    default:
      // An unverified certificate, no common protocol, or the server hung up.
      ERR_clear_error();
      return {IoStatus::failed, 0, ECONNRESET};
    }
  }

  IoResult read(char* data, std::size_t size) override
  {
    const int n = SSL_read(m_ssl, data, static_cast<int>(size));
    if (n > 0) {
      return {IoStatus::done, static_cast<std::size_t>(n), 0};
    }
    const int error = SSL_get_error(m_ssl, n);
    if (error == SSL_ERROR_WANT_READ) {
      return {IoStatus::want_read, 0, 0};
    }
    if (error == SSL_ERROR_WANT_WRITE) {
      return {IoStatus::want_write, 0, 0};
    }
    const int saved = errno;
    ERR_clear_error();
    if (error == SSL_ERROR_ZERO_RETURN) {
      return {IoStatus::eof, 0, 0};
    }
    return {IoStatus::failed, 0, failure_errno(error, saved)};
  }

  IoResult write(const char* data, std::size_t size) override
  {
    const int n = SSL_write(m_ssl, data, static_cast<int>(size));
    if (n > 0) {
      return {IoStatus::done, static_cast<std::size_t>(n), 0};
    }
    const int error = SSL_get_error(m_ssl, n);
    if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
      // A renegotiation or a key update may need to read first: the caller
      // waits for either.
      return {IoStatus::want_write, 0, 0};
    }
    const int saved = errno;
    ERR_clear_error();
    return {IoStatus::failed, 0, failure_errno(error, saved)};
  }

  // Read-ahead may hold more than one record: drained before epoll, which
  // only sees the socket.
  bool readable() const override { return m_ssl != nullptr && SSL_has_pending(m_ssl) == 1; }

  void close() override
  {
    if (m_ssl == nullptr) {
      return;
    }
    // The next connection resumes this one's session (the server's ticket),
    // as wrk and libcurl do: a new connection every 1,000 requests (nginx's
    // keepalive_requests) costs an abbreviated handshake, not a full one.
    SSL_SESSION* session = SSL_get1_session(m_ssl);
    if (session != nullptr && SSL_SESSION_is_resumable(session) == 1) {
      SSL_SESSION_free(m_session);
      m_session = session;
    } else {
      SSL_SESSION_free(session);
    }
    // No close_notify is sent (the connection is dropped either way), but
    // marked as shut down: SSL_free would otherwise mark the kept session
    // not resumable.
    SSL_set_shutdown(m_ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(m_ssl);
    m_ssl = nullptr;
  }

private:
  SSL_CTX* m_ctx;
  std::string m_sni;
  SSL* m_ssl = nullptr;
  SSL_SESSION* m_session = nullptr; // the last one, resumed by the next connection
};

// The peer's certificate verified against --cacert (or the system's CAs)
// and its name or address checked, as libcurl does; --insecure verifies
// nothing. HTTP/1.1 only (no ALPN).
class TlsKind final : public TransportKind {
public:
  explicit TlsKind(const TlsOptions& options)
  {
    m_ctx = SSL_CTX_new(TLS_client_method());
    if (m_ctx == nullptr) {
      throw Error("OpenSSL: cannot create a TLS context");
    }
    SSL_CTX_set_min_proto_version(m_ctx, TLS1_2_VERSION);
    // A server closing without close_notify ends the response like a plain
    // EOF (SSL_ERROR_ZERO_RETURN), as over http://.
    SSL_CTX_set_options(m_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_read_ahead(m_ctx, 1);
    if (options.insecure) {
      SSL_CTX_set_verify(m_ctx, SSL_VERIFY_NONE, nullptr);
      return;
    }
    try {
      verify_peer(options);
    } catch (...) {
      SSL_CTX_free(m_ctx);
      throw;
    }
  }

  ~TlsKind() override { SSL_CTX_free(m_ctx); }
  TlsKind(const TlsKind&) = delete;
  TlsKind& operator=(const TlsKind&) = delete;

  std::unique_ptr<Transport> make() const override { return std::make_unique<TlsTransport>(m_ctx, m_sni); }

private:
  void verify_peer(const TlsOptions& options)
  {
    SSL_CTX_set_verify(m_ctx, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.cacert
                          ? SSL_CTX_load_verify_locations(m_ctx, options.cacert->c_str(), nullptr) == 1
                          : SSL_CTX_set_default_verify_paths(m_ctx) == 1;
    if (!loaded) {
      ERR_clear_error();
      throw Error("cannot load the CA certificates{}",
                  options.cacert ? " from " + options.cacert->string() : std::string());
    }
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(m_ctx);
    const std::string& host = options.host;
    unsigned char address[16];
    const bool is_address =
      ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
    const int ok = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (ok != 1) {
      ERR_clear_error();
      throw Error("OpenSSL: cannot check the certificate against {}", host);
    }
    if (!is_address) {
      m_sni = host;
    }
  }

  SSL_CTX* m_ctx = nullptr;
  std::string m_sni; // the host name sent as SNI (none for an address)
};

} // namespace

std::unique_ptr<TransportKind> plain_transport()
{
  return std::make_unique<PlainKind>();
}

std::unique_ptr<TransportKind> tls_transport(const TlsOptions& options)
{
  return std::make_unique<TlsKind>(options);
}

} // namespace smart
