// libFuzzer target: the dns:// probe's reply check, which reads whatever
// comes back from the server's address (a DNS server, or anything in its
// place). The first byte picks the question asked and whether the query's
// ID is the reply's own (so the fuzzer gets past the ID check); the rest is
// the datagram. The check must say not ours, answer or failed, never crash.
#include <smart/measure/dns_message.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size < 1) {
    return 0;
  }
  static const std::array<smart::DnsQuestion, 4> questions = {{
    {"smart.test", 1},
    {"www.smart.test", 28},
    {"", 2},
    {"a.b.c.d.e.f.g.example", 15},
  }};
  const std::uint8_t pick = data[0];
  const std::string_view reply(reinterpret_cast<const char*>(data + 1), size - 1);
  std::uint16_t id = 0x1234;
  if ((pick & 0x80) != 0 && reply.size() >= 2) {
    id = static_cast<std::uint16_t>((static_cast<unsigned char>(reply[0]) << 8) |
                                    static_cast<unsigned char>(reply[1]));
  }
  const std::string query = smart::dns_encode_query(questions[pick % questions.size()], id);
  const smart::DnsReply checked = smart::dns_check_reply(reply, query);
  switch (checked.verdict) {
  case smart::DnsReply::Verdict::not_ours:
    break;
  case smart::DnsReply::Verdict::answer:
    // an answer echoes the whole question after a 12-byte header
    if (reply.size() < query.size() || checked.error != smart::ProbeError::none) {
      std::abort();
    }
    break;
  case smart::DnsReply::Verdict::failed:
    if (checked.error == smart::ProbeError::none || checked.detail.empty()) {
      std::abort();
    }
    break;
  }
  return 0;
}
