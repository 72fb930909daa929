#include <smart/measure/http_response_parser.hpp>

#include <catch2/catch.hpp>

#include <string>

using smart::HttpResponseParser;
using Status = HttpResponseParser::Status;

namespace {
// Feeds text one byte at a time: every split point must work.
Status feed_bytewise(HttpResponseParser& parser, const std::string& text)
{
  Status status = Status::incomplete;
  for (const char c : text) {
    status = parser.feed(std::string_view(&c, 1));
    if (status != Status::incomplete) {
      break;
    }
  }
  return status;
}
} // namespace

TEST_CASE("HttpResponseParser: Content-Length framing, whole and byte by byte")
{
  const std::string response = "HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-length: 3\r\n\r\nok\n";
  HttpResponseParser whole;
  CHECK(whole.feed(response) == Status::complete);
  CHECK(whole.status_code() == 200);
  CHECK(whole.body_bytes() == 3);
  CHECK_FALSE(whole.close_after());

  HttpResponseParser split;
  CHECK(feed_bytewise(split, response) == Status::complete);
  CHECK(split.status_code() == 200);

  HttpResponseParser short_body;
  CHECK(short_body.feed(response.substr(0, response.size() - 1)) == Status::incomplete);
  CHECK(short_body.feed_eof() == Status::incomplete);
}

TEST_CASE("HttpResponseParser: chunked body with extensions and trailers")
{
  const std::string response = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "4;ext=1\r\nboom\r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n";
  HttpResponseParser parser;
  CHECK(feed_bytewise(parser, response) == Status::complete);
  CHECK(parser.status_code() == 503);
  CHECK(parser.body_bytes() == 14);
}

TEST_CASE("HttpResponseParser: connection handling")
{
  HttpResponseParser close;
  CHECK(close.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") == Status::complete);
  CHECK(close.close_after());

  HttpResponseParser http10;
  CHECK(http10.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == Status::complete);
  CHECK(http10.close_after());

  HttpResponseParser until_close;
  CHECK(until_close.feed("HTTP/1.1 200 OK\r\n\r\nsome body") == Status::incomplete);
  CHECK(until_close.feed_eof() == Status::complete);
  CHECK(until_close.body_bytes() == 9);

  HttpResponseParser no_content;
  CHECK(no_content.feed("HTTP/1.1 204 No Content\r\n\r\n") == Status::complete);

  HttpResponseParser interim;
  CHECK(interim.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx") ==
        Status::complete);
  CHECK(interim.status_code() == 201);

  HttpResponseParser reused;
  CHECK(reused.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == Status::complete);
  reused.reset();
  CHECK_FALSE(reused.started());
  CHECK(reused.feed("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n") == Status::complete);
  CHECK(reused.status_code() == 404);
}

TEST_CASE("HttpResponseParser: malformed responses are errors, not hangs")
{
  HttpResponseParser garbage;
  CHECK(garbage.feed("SSH-2.0-OpenSSH_9.2\r\n") == Status::error);
  CHECK_THAT(garbage.why(), Catch::Contains("malformed status line"));

  HttpResponseParser bad_code;
  CHECK(bad_code.feed("HTTP/1.1 2x0 OK\r\n") == Status::error);

  HttpResponseParser bad_length;
  CHECK(bad_length.feed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") == Status::error);

  HttpResponseParser bad_chunk;
  CHECK(bad_chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == Status::error);

  HttpResponseParser long_line;
  CHECK(long_line.feed("HTTP/1.1 200 OK\r\nX: " + std::string(20000, 'a')) == Status::error);
}

TEST_CASE("HttpResponseParser: the response to a HEAD request has no body")
{
  HttpResponseParser parser;
  parser.head_request(true);
  CHECK(parser.feed("HTTP/1.1 401 Unauthorized\r\nContent-Length: 179\r\n\r\n") == Status::complete);
  CHECK(parser.status_code() == 401);
  CHECK_FALSE(parser.close_after());
  parser.reset();
  parser.head_request(false);
  CHECK(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n") == Status::incomplete);
  CHECK(parser.feed("ok") == Status::complete);
}
