// Deletion vectors (PROTOCOL.md, "Deletion Vectors"): which rows of a data file are deleted,
// without rewriting the file.
//
// A descriptor points at a bitmap stored inline (Z85 text), in a file beside the data (storage
// type "u": a random prefix plus a Z85-encoded UUID) or at an absolute path ("p"). Files start
// with a version byte; each bitmap inside is [big-endian u32 length][payload][big-endian CRC-32].
// Payloads are the portable 64-bit Roaring format behind the magic number 1681511377.
// Thread-safety: functions of their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "common/file_system.h"
#include "delta/actions.h"

namespace braid::delta {

// Z85 (ZeroMQ RFC 32): 4 bytes <-> 5 characters.
Result<std::string> z85_decode(std::string_view text);
std::string z85_encode(std::string_view bytes);  // size must be a multiple of 4

// The deleted row positions (0-based, ascending) of the descriptor's bitmap.
Result<std::vector<uint64_t>> read_deletion_vector(FileSystem& fs, const std::string& table_root,
                                                   const DeletionVectorDescriptor& dv);

// The file a "u" descriptor points at.
Result<std::string> deletion_vector_path(const std::string& table_root,
                                         const DeletionVectorDescriptor& dv);

// Encodes sorted row positions as a Delta DV payload (magic + portable 64-bit Roaring).
std::string serialize_deletion_vector(const std::vector<uint64_t>& rows);
// Decodes a payload (used for inline DVs and by tests).
Result<std::vector<uint64_t>> deserialize_deletion_vector(std::string_view payload);

}  // namespace braid::delta
