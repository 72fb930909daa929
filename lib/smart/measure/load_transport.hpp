#pragma once

#include <smart/measure/target.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

// The byte stream of one load-mode connection, plain or TLS, behind one set
// of calls (as wrk's struct sock): the worker opens and connects the socket
// and watches it with epoll; the transport turns it into a stream. Every call
// is non-blocking: want_read / want_write say which readiness to wait for.

namespace smart {

enum class IoStatus {
  done,       // connect/handshake finished, or bytes moved
  want_read,  // try again when the socket is readable
  want_write, // try again when the socket is writable
  eof,        // the peer closed the stream cleanly
  failed,     // the connection is broken; IoResult::error says why
};

struct IoResult {
  IoStatus status = IoStatus::done;
  std::size_t bytes = 0; // read() / write(): how many, when done
  int error = 0;         // failed: an errno value (ECONNRESET when nothing better)
};

// One connection slot. The same object serves the slot's successive
// connections, so a TLS session can be resumed by the next one.
class Transport {
public:
  virtual ~Transport() = default;

  // The socket fd just finished its TCP connect: start the stream on it.
  // Plain: done. TLS: the handshake begins; failed means it cannot start.
  virtual IoResult connect(int fd) = 0;
  // Continues the handshake connect() began (TLS); failed: no secure stream
  // (certificate, protocol, or the server hung up).
  virtual IoResult handshake() = 0;
  // True when connect() begins a handshake whose time is a phase of its own
  // (TLS), even one that ends within connect() (a resumed session).
  virtual bool has_handshake() const = 0;
  virtual IoResult read(char* data, std::size_t size) = 0;
  virtual IoResult write(const char* data, std::size_t size) = 0;
  // Bytes already taken off the socket are waiting: read() again without
  // waiting for the socket to become readable.
  virtual bool readable() const = 0;
  // Ends the stream (the worker then closes the socket). TLS keeps the
  // session for the next connect().
  virtual void close() = 0;
};

// A factory of transports for one run: plain for http://, TLS for https://.
class TransportKind {
public:
  virtual ~TransportKind() = default;
  virtual std::unique_ptr<Transport> make() const = 0;
};

std::unique_ptr<TransportKind> plain_transport();

struct TlsOptions {
  std::string host; // checked against the certificate; sent as SNI unless an address
  bool insecure = false;
  std::optional<std::filesystem::path> cacert; // none: the system's CAs
};

// The TLS context of an https:// run. Throws smart::Error when the CA
// certificates cannot be loaded or OpenSSL refuses the host name.
std::unique_ptr<TransportKind> tls_transport(const TlsOptions& options);

} // namespace smart
