// Hash functions: xxhash64 and hash (Spark's HashExpression: every argument hashed in turn with
// the previous hash as the seed, starting from 42; NULL arguments leave the hash unchanged),
// md5 and sha2 (hex text).
//
// Per value, as Spark: boolean, tinyint, smallint, int and date hash their 4-byte int; bigint and
// timestamps their 8-byte long; floats and doubles their IEEE bits (-0.0 as 0.0, NaN canonical);
// decimals of precision <= 18 their unscaled long, wider ones the big-endian two's complement
// bytes of the unscaled value (Java's BigInteger.toByteArray); strings and binary their bytes;
// arrays each element and structs each field. xxhash64 is the standard XXH64 (Spark's XXH64
// matches it); hash is Spark's Murmur3_x86_32, whose byte hashing differs from the reference
// Murmur3 on trailing bytes (Spark keeps it for compatibility).
#include <xxhash.h>

#include <cmath>
#include <cstring>

#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/row_kernels.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec::internal {

namespace {

// ---- Spark's Murmur3_x86_32

uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
uint32_t mix_k1(uint32_t k1) {
  k1 *= 0xcc9e2d51u;
  k1 = rotl32(k1, 15);
  return k1 * 0x1b873593u;
}
uint32_t mix_h1(uint32_t h1, uint32_t k1) {
  h1 ^= k1;
  h1 = rotl32(h1, 13);
  return h1 * 5 + 0xe6546b64u;
}
uint32_t fmix32(uint32_t h1, uint32_t length) {
  h1 ^= length;
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6bu;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35u;
  h1 ^= h1 >> 16;
  return h1;
}
uint32_t murmur_int(uint32_t v, uint32_t seed) { return fmix32(mix_h1(seed, mix_k1(v)), 4); }
uint32_t murmur_long(uint64_t v, uint32_t seed) {
  uint32_t h1 = mix_h1(seed, mix_k1(static_cast<uint32_t>(v)));
  h1 = mix_h1(h1, mix_k1(static_cast<uint32_t>(v >> 32)));
  return fmix32(h1, 8);
}
uint32_t murmur_bytes(std::string_view b, uint32_t seed) {
  const size_t aligned = b.size() - b.size() % 4;
  uint32_t h1 = seed;
  for (size_t i = 0; i < aligned; i += 4) {
    uint32_t word;
    std::memcpy(&word, b.data() + i, 4);
    h1 = mix_h1(h1, mix_k1(word));
  }
  for (size_t i = aligned; i < b.size(); ++i) {
    // Each trailing byte as a sign-extended int (Spark's legacy hashUnsafeBytes).
    h1 = mix_h1(h1, mix_k1(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(b[i])))));
  }
  return fmix32(h1, static_cast<uint32_t>(b.size()));
}

enum class Algo { kXxHash64, kMurmur3 };

uint64_t hash_int(int32_t v, uint64_t seed, Algo algo) {
  if (algo == Algo::kXxHash64) return XXH64(&v, 4, seed);
  return murmur_int(static_cast<uint32_t>(v), static_cast<uint32_t>(seed));
}
uint64_t hash_long(int64_t v, uint64_t seed, Algo algo) {
  if (algo == Algo::kXxHash64) return XXH64(&v, 8, seed);
  return murmur_long(static_cast<uint64_t>(v), static_cast<uint32_t>(seed));
}
uint64_t hash_bytes(std::string_view b, uint64_t seed, Algo algo) {
  if (algo == Algo::kXxHash64) return XXH64(b.data(), b.size(), seed);
  return murmur_bytes(b, static_cast<uint32_t>(seed));
}

// Java's BigInteger.toByteArray: minimal big-endian two's complement.
std::string big_integer_bytes(Int128 v) {
  unsigned char bytes[16];
  auto u = static_cast<UInt128>(v);
  for (int i = 15; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(u & 0xFF);
    u >>= 8;
  }
  int start = 0;
  while (start < 15) {
    const bool redundant = (bytes[start] == 0x00 && (bytes[start + 1] & 0x80) == 0) ||
                           (bytes[start] == 0xFF && (bytes[start + 1] & 0x80) != 0);
    if (!redundant) break;
    ++start;
  }
  return std::string(reinterpret_cast<const char*>(bytes + start), static_cast<size_t>(16 - start));
}

bool hashable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
    case TypeId::kBoolean:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kDate32:
    case TypeId::kTimestamp:
      return true;
    case TypeId::kList:
    case TypeId::kStruct:
      for (const auto& f : t.fields()) {
        if (!hashable(*f->type())) return false;
      }
      return true;
    default:
      return false;
  }
}

uint64_t hash_value(const Column& c, int64_t row, uint64_t seed, Algo algo) {
  if (c.is_null(row)) return seed;
  switch (c.type_id()) {
    case TypeId::kBoolean: return hash_int(c.bool_value(row) ? 1 : 0, seed, algo);
    case TypeId::kInt8: return hash_int(c.value<int8_t>(row), seed, algo);
    case TypeId::kInt16: return hash_int(c.value<int16_t>(row), seed, algo);
    case TypeId::kInt32:
    case TypeId::kDate32: return hash_int(c.value<int32_t>(row), seed, algo);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return hash_long(c.value<int64_t>(row), seed, algo);
    case TypeId::kFloat32: {
      float f = c.value<float>(row);
      if (f == 0.0f) f = 0.0f;
      int32_t bits;
      if (std::isnan(f)) {
        bits = 0x7fc00000;
      } else {
        std::memcpy(&bits, &f, 4);
      }
      return hash_int(bits, seed, algo);
    }
    case TypeId::kFloat64: {
      double d = c.value<double>(row);
      if (d == 0.0) d = 0.0;
      int64_t bits;
      if (std::isnan(d)) {
        bits = 0x7ff8000000000000LL;
      } else {
        std::memcpy(&bits, &d, 8);
      }
      return hash_long(bits, seed, algo);
    }
    case TypeId::kDecimal128: {
      Int128 v = c.value<Int128>(row);
      if (c.type()->precision() <= 18) return hash_long(static_cast<int64_t>(v), seed, algo);
      return hash_bytes(big_integer_bytes(v), seed, algo);
    }
    case TypeId::kString:
    case TypeId::kBinary: return hash_bytes(c.string_value(row), seed, algo);
    case TypeId::kList: {
      const int32_t* o = c.offsets();
      for (int64_t k = o[row]; k < o[row + 1]; ++k) seed = hash_value(*c.list_values(), k, seed, algo);
      return seed;
    }
    case TypeId::kStruct:
      for (int f = 0; f < c.type()->num_fields(); ++f) seed = hash_value(*c.struct_field(f), row, seed, algo);
      return seed;
    default: return seed;
  }
}

Result<ExprPtr> resolve_hash(std::string_view name, std::vector<ExprPtr> args, Algo algo) {
  if (args.empty()) return no_signature(name, args);
  for (const auto& a : args) {
    if (!hashable(*a->type())) return no_signature(name, args);
  }
  TypePtr type = algo == Algo::kXxHash64 ? int64() : int32();
  CallOptions options;
  options.null_intolerant = false;
  options.never_null = true;
  Kernel kernel = [algo](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * (algo == Algo::kXxHash64 ? 8 : 4), kc.memory()));
    for (int64_t i = 0; i < n; ++i) {
      uint64_t h = 42;
      for (const auto& op : ops) {
        if (op.type()->id() == TypeId::kNull) continue;
        h = hash_value(*op.column, op.at(i), h, algo);
      }
      if (algo == Algo::kXxHash64) {
        values->mutable_as<int64_t>()[i] = static_cast<int64_t>(h);
      } else {
        values->mutable_as<int32_t>()[i] = static_cast<int32_t>(static_cast<uint32_t>(h));
      }
    }
    return make_column(algo == Algo::kXxHash64 ? int64() : int32(), n, nullptr, values);
  };
  return make_kernel_call(std::string(name), std::move(args), type, std::move(kernel), options);
}

// ---- MD5 (RFC 1321) and SHA-224/256 (FIPS 180-4)

void md5(std::string_view input, unsigned char out[16]) {
  static const uint32_t k[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static const int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::string msg(input);
  const uint64_t bits = static_cast<uint64_t>(input.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 0; i < 8; ++i) msg += static_cast<char>((bits >> (8 * i)) & 0xFF);
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + static_cast<size_t>(i) * 4);
      w[i] = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const uint32_t tmp = d;
      d = c;
      c = b;
      b = b + rotl32(a + f + k[i] + w[g], r[i]);
      a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<unsigned char>((h[i] >> (8 * j)) & 0xFF);
  }
}

uint32_t rotr32(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// SHA-256, or SHA-224 (other initial values, first 28 bytes).
std::string sha256(std::string_view input, bool is224) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  if (is224) {
    const uint32_t h224[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                              0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
    std::memcpy(h, h224, sizeof(h));
  }
  std::string msg(input);
  const uint64_t bits = static_cast<uint64_t>(input.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (8 * i)) & 0xFF);
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + static_cast<size_t>(i) * 4);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t s1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
      const uint32_t ch = (e & f) ^ (~e & g);
      const uint32_t t1 = hh + s1 + ch + k[i] + w[i];
      const uint32_t s0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
      const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const uint32_t t2 = s0 + maj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string out;
  const int words = is224 ? 7 : 8;
  for (int i = 0; i < words; ++i) {
    for (int j = 3; j >= 0; --j) out += static_cast<char>((h[i] >> (8 * j)) & 0xFF);
  }
  return out;
}

void append_hex(std::string& out, std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
}

Status string_or_binary(std::string_view name, std::vector<ExprPtr>& args, size_t index) {
  const DataType& t = *args[index]->type();
  if (t.id() == TypeId::kBinary) return Status::OK();
  if (is_string(t) || is_null_type(t)) {
    BRAID_ASSIGN_OR_RETURN(args[index], implicit_cast(args[index], binary()));
    return Status::OK();
  }
  return no_signature(name, args);
}

Result<ExprPtr> resolve_md5(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 1) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(string_or_binary(name, args, 0));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    std::string hex;
    return string_rows(ops, string_type(), kc, kc.num_rows * 32, [&](int64_t i, StringWriter& w) {
      unsigned char digest[16];
      md5(ops[0].string_value(i), digest);
      hex.clear();
      append_hex(hex, std::string_view(reinterpret_cast<const char*>(digest), 16));
      w.append(hex);
      return Status::OK();
    });
  };
  return make_kernel_call("md5", std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_sha2(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2 || !(is_integral(*args[1]->type()) || is_null_type(*args[1]->type()))) {
    return no_signature(name, args);
  }
  BRAID_RETURN_IF_ERROR(string_or_binary(name, args, 0));
  BRAID_ASSIGN_OR_RETURN(args[1], implicit_cast(args[1], int64()));
  CallOptions options;
  options.may_return_null = true;
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    std::string hex;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      const int64_t bits = int_at(ops[1], i);
      if (bits == 384 || bits == 512) {
        return Status::not_implemented("sha2 with {} bits", bits);
      }
      if (bits != 0 && bits != 224 && bits != 256) {
        w.append_null();  // Spark: NULL for an unsupported bit length
        return Status::OK();
      }
      hex.clear();
      append_hex(hex, sha256(ops[0].string_value(i), bits == 224));
      w.append(hex);
      return Status::OK();
    });
  };
  return make_kernel_call("sha2", std::move(args), string_type(), std::move(kernel), options);
}

}  // namespace

void register_hash_functions(FunctionRegistry& r) {
  r.add("xxhash64", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_hash(n, std::move(a), Algo::kXxHash64); });
  r.add("hash", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_hash(n, std::move(a), Algo::kMurmur3); });
  r.add("md5", resolve_md5);
  r.add("sha2", resolve_sha2);
}

}  // namespace braid::exec::internal
