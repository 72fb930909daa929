#include <smart/measure/dns_message.hpp>
#include <smart/measure/target.hpp>
#include <smart/util/failure.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace smart;

namespace {

std::string bytes(std::initializer_list<int> values)
{
  std::string out;
  for (const int v : values) {
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// The reply a server gives to QUERY: its header with FLAGS and counts, the
// question echoed, then RECORDS.
std::string reply_to(const std::string& query, int flags_high, int flags_low, int answers,
                     const std::string& records = {})
{
  std::string out = query.substr(0, 2);
  out += bytes({flags_high, flags_low, 0, 1, 0, answers, 0, 0, 0, 0});
  out += query.substr(12);
  out += records;
  return out;
}

// An A record for the name at offset 12 (a compression pointer).
const std::string a_record = bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1});

} // namespace

TEST_CASE("dns question: the URL's path is the name, ?type= the record type")
{
  CHECK(parse_dns_question("/smart.test").name == "smart.test");
  CHECK(parse_dns_question("/smart.test").type == 1);
  CHECK(parse_dns_question("/smart.test.").name == "smart.test");
  CHECK(parse_dns_question("/smart.test?type=aaaa").type == 28);
  CHECK(parse_dns_question("/smart.test?type=MX").type == 15);
  CHECK(parse_dns_question("/smart.test?type=TYPE65").type == 65);
  CHECK(parse_dns_question("/.").name.empty());
  CHECK_THROWS_WITH(parse_dns_question("/"), Catch::Contains("no name"));
  CHECK_THROWS_WITH(parse_dns_question("/a..b"), Catch::Contains("empty label"));
  CHECK_THROWS_WITH(parse_dns_question("/a/b"), Catch::Contains("no '/'"));
  CHECK_THROWS_WITH(parse_dns_question("/a b"), Catch::Contains("character"));
  CHECK_THROWS_WITH(parse_dns_question("/" + std::string(64, 'x') + ".test"), Catch::Contains("63"));
  CHECK_THROWS_WITH(parse_dns_question("/x?type=BOGUS"), Catch::Contains("type 'BOGUS'"));
  CHECK_THROWS_WITH(parse_dns_question("/x?type=TYPE0"), Catch::Contains("type 'TYPE0'"));
  CHECK_THROWS_WITH(parse_dns_question("/x?class=IN"), Catch::Contains("unknown parameter 'class'"));
  CHECK(dns_type_name(28) == "AAAA");
  CHECK(dns_type_name(65000) == "TYPE65000");
}

TEST_CASE("dns target: the server is an IP address, port 53 by default, errors name the field")
{
  const auto target = parse_target("dns://127.0.0.1/smart.test?type=A");
  CHECK(target.scheme == Scheme::dns);
  CHECK(target.port == 53);
  CHECK(target.host == "127.0.0.1");
  CHECK(target.path == "/smart.test?type=A");
  CHECK(parse_target("dns://[::1]:5353/x").port == 5353);
  CHECK_THROWS_WITH(parse_target("dns://ns.example/x"),
                    Catch::Contains("server 'ns.example': an IP address"));
  CHECK_THROWS_WITH(parse_target("dns://127.0.0.1"), Catch::Contains("no name"));
  CHECK_THROWS_WITH(parse_target("dns://127.0.0.1:0/x"), Catch::Contains("invalid port"));
  CHECK_THROWS_WITH(parse_target("dns://127.0.0.1/x?type=Q"), Catch::Contains("type 'Q'"));
}

TEST_CASE("icmp target: a host, no port, no path")
{
  const auto target = parse_target("icmp://127.0.0.1");
  CHECK(target.scheme == Scheme::icmp);
  CHECK(target.host == "127.0.0.1");
  CHECK(parse_target("ICMP://[::1]/").host == "::1");
  CHECK_THROWS_WITH(parse_target("icmp://127.0.0.1:7"), Catch::Contains("icmp:// takes no port"));
  CHECK_THROWS_WITH(parse_target("icmp://127.0.0.1/x"), Catch::Contains("icmp:// takes no path"));
  CHECK_THROWS_WITH(parse_target("icmp://"), Catch::Contains("no host"));
}

TEST_CASE("dns query: header, question in labels, type and class IN")
{
  const auto query = dns_encode_query({"smart.test", 28}, 0xabcd);
  CHECK(query == bytes({0xab, 0xcd, 1,   0,   0, 1,   0,   0,   0,   0, 0, 0,  5, 's',
                        'm',  'a',  'r', 't', 4, 't', 'e', 's', 't', 0, 0, 28, 0, 1}));
  CHECK(dns_encode_query({"", 2}, 1) == bytes({0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1}));
}

TEST_CASE("dns reply: NOERROR with the question echoed is an answer, RCODEs are their kinds")
{
  const auto query = dns_encode_query({"smart.test", 1}, 0x1234);
  const auto answer = dns_check_reply(reply_to(query, 0x81, 0x80, 1, a_record), query);
  CHECK(answer.verdict == DnsReply::Verdict::answer);
  CHECK(answer.answers == 1);
  CHECK(dns_check_reply(reply_to(query, 0x81, 0x80, 0), query).verdict == DnsReply::Verdict::answer);
  const auto nx = dns_check_reply(reply_to(query, 0x81, 0x83, 0), query);
  CHECK(nx.verdict == DnsReply::Verdict::failed);
  CHECK(nx.error == ProbeError::nxdomain);
  CHECK(nx.detail == "NXDOMAIN (3)");
  CHECK(dns_check_reply(reply_to(query, 0x81, 0x82, 0), query).error == ProbeError::servfail);
  CHECK(dns_check_reply(reply_to(query, 0x81, 0x85, 0), query).error == ProbeError::refused);
  CHECK(dns_check_reply(reply_to(query, 0x81, 0x84, 0), query).error == ProbeError::dns_rcode);
  // FORMERR without the question echoed is still the server's word
  auto formerr = reply_to(query, 0x81, 0x81, 0).substr(0, 12);
  formerr[5] = 0;
  CHECK(dns_check_reply(formerr, query).error == ProbeError::dns_rcode);
  // a name in 0x20 mixed case is the same question
  auto mixed = reply_to(query, 0x81, 0x80, 0);
  mixed[13] = 'S';
  CHECK(dns_check_reply(mixed, query).verdict == DnsReply::Verdict::answer);
}

TEST_CASE("dns reply: another ID or a query is not ours, a garbled reply of ours is an error")
{
  const auto query = dns_encode_query({"smart.test", 1}, 0x1234);
  const auto good = reply_to(query, 0x81, 0x80, 1, a_record);
  auto other_id = good;
  other_id[1] = 0x35;
  CHECK(dns_check_reply(other_id, query).verdict == DnsReply::Verdict::not_ours);
  CHECK(dns_check_reply(query, query).verdict == DnsReply::Verdict::not_ours); // QR clear
  CHECK(dns_check_reply("", query).verdict == DnsReply::Verdict::not_ours);
  CHECK(dns_check_reply(good.substr(0, 2), query).verdict == DnsReply::Verdict::not_ours);

  auto failed = [&](const std::string& reply) {
    const auto checked = dns_check_reply(reply, query);
    CHECK(checked.verdict == DnsReply::Verdict::failed);
    CHECK(checked.error == ProbeError::other);
    return checked.detail;
  };
  CHECK_THAT(failed(good.substr(0, 8)), Catch::Contains("shorter than a DNS header"));
  CHECK_THAT(failed(reply_to(query, 0x83, 0x80, 1, a_record)), Catch::Contains("TC"));
  // every cut of the answer record is a malformed reply
  for (std::size_t cut = query.size(); cut < good.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK_THAT(failed(good.substr(0, cut)), Catch::Contains("malformed") || Catch::Contains("question"));
  }
  auto other_question = good;
  other_question[14] = 'x';
  CHECK_THAT(failed(other_question), Catch::Contains("does not echo the question"));
  auto two_questions = good;
  two_questions[5] = 2;
  CHECK_THAT(failed(two_questions), Catch::Contains("question"));
  // a compression pointer past the end, a reserved label type, a long rdlength
  auto bad_pointer = good;
  bad_pointer[query.size() + 1] = static_cast<char>(0xff);
  CHECK_THAT(failed(bad_pointer), Catch::Contains("malformed"));
  auto reserved = good;
  reserved[query.size()] = static_cast<char>(0x80);
  CHECK_THAT(failed(reserved), Catch::Contains("malformed"));
  auto long_data = good;
  long_data[query.size() + 11] = 5;
  CHECK_THAT(failed(long_data), Catch::Contains("runs past"));
  // more records declared than there are
  auto more = good;
  more[7] = 2;
  CHECK_THAT(failed(more), Catch::Contains("record 2 of 2"));
}

TEST_CASE("dns question: ?expect=N is the fewest answer records")
{
  CHECK(parse_dns_question("/x").expect == 0);
  CHECK(parse_dns_question("/x?type=A&expect=2").expect == 2);
  CHECK(parse_dns_question("/x?expect=1&type=MX").type == 15);
  CHECK_THROWS_WITH(parse_dns_question("/x?expect=0"), Catch::Contains("expect '0'"));
  CHECK_THROWS_WITH(parse_dns_question("/x?expect=two"), Catch::Contains("expect 'two'"));
  CHECK_THROWS_WITH(parse_dns_question("/x?expect="), Catch::Contains("expect ''"));
  CHECK_THROWS_WITH(parse_target("dns://127.0.0.1/x?expect=70000"), Catch::Contains("expect '70000'"));
}
