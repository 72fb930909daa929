#include <smart/util/json_writer.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <limits>

using smart::util::format_number;
using smart::util::JsonLayout;
using smart::util::write_json;
namespace json = boost::json;

TEST_CASE("json writer: numbers are the shortest plain decimal")
{
  CHECK(format_number(0.41) == "0.41");
  CHECK(format_number(0) == "0");
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(3.196) == "3.196");
  CHECK(format_number(17.25) == "17.25");
  CHECK(format_number(1200) == "1200");
  CHECK(format_number(-2.5) == "-2.5");
  CHECK(format_number(0.00001) == "0.00001");
  CHECK(format_number(123456789012345.0) == "123456789012345");
  // Arithmetic noise beyond 15 significant digits goes.
  CHECK(format_number(3.331 / 1000) == "0.003331");
  CHECK(format_number(0.1 + 0.2) == "0.3");
  // Extraordinary magnitudes keep an exponent.
  CHECK(format_number(1.5e-12) == "1.5e-12");
  CHECK(format_number(2e20) == "2e+20");
  CHECK(format_number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "+Inf");
}

TEST_CASE("json writer: compact and pretty layouts, one number format")
{
  const json::value value = json::parse(R"({"a":0.41,"b":[1,2.5,null,true],"c":"x\"y","d":{}})");
  CHECK(write_json(value) == R"({"a":0.41,"b":[1,2.5,null,true],"c":"x\"y","d":{}})");
  CHECK(write_json(value, JsonLayout::pretty) ==
        "{\n  \"a\": 0.41,\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true\n  ],\n  \"c\": \"x\\\"y\",\n"
        "  \"d\": {}\n}");
  CHECK(write_json(json::value(std::numeric_limits<double>::infinity())) == "null");
  // Boost's own serializer would write 4.1E-1.
  CHECK(write_json(json::value(0.41)) == "0.41");
}
