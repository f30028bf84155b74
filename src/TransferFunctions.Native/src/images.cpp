// Image decode/encode with stb. Dimensions are read from the header first so an oversized image
// is refused before any pixel buffer is allocated.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

#include <cstdlib>
#include <cstring>
#include <sstream>
#include "common.h"

namespace {
uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const uint8_t* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }

// Width and height as the file's header claims them (PNG, GIF, BMP, JPEG), read by hand because
// stb_image refuses very large claims itself with a generic "too large", which would hide the
// pixel-limit error. False when the format is not recognised or the header is cut short.
bool header_size(const uint8_t* b, int64_t n, int64_t* w, int64_t* h) {
  static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 24 && std::memcmp(b, png, 8) == 0 && std::memcmp(b + 12, "IHDR", 4) == 0) {
    *w = be32(b + 16);
    *h = be32(b + 20);
    return true;
  }
  if (n >= 10 && (std::memcmp(b, "GIF87a", 6) == 0 || std::memcmp(b, "GIF89a", 6) == 0)) {
    *w = le16(b + 6);
    *h = le16(b + 8);
    return true;
  }
  if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
    bool os2 = le32(b + 14) == 12;
    *w = os2 ? le16(b + 18) : std::abs(static_cast<int64_t>(static_cast<int32_t>(le32(b + 18))));
    *h = os2 ? le16(b + 20) : std::abs(static_cast<int64_t>(static_cast<int32_t>(le32(b + 22))));
    return true;
  }
  if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
    // Walk the segments to the first start-of-frame marker (SOF0..SOF15 except DHT, JPG, DAC).
    for (int64_t i = 2; i + 9 <= n;) {
      if (b[i] != 0xFF) return false;
      uint8_t marker = b[i + 1];
      if (marker == 0xFF) { ++i; continue; }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { i += 2; continue; }
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        *h = be16(b + i + 5);
        *w = be16(b + i + 7);
        return true;
      }
      i += 2 + be16(b + i + 2);
    }
  }
  return false;
}

void check_pixel_limit(int64_t w, int64_t h, int64_t max_pixels) {
  int64_t pixels = w * h;
  TORCH_CHECK(max_pixels <= 0 || pixels <= max_pixels, "image is ", w, "x", h, " = ", pixels,
              " pixels, above the limit of ", max_pixels);
}
}  // namespace

TFN_EXPORT int tfn_image_info(const uint8_t* bytes, int64_t length, int* width, int* height, int* channels) {
  TFN_STATUS({
    TORCH_CHECK(length > 0 && length <= INT32_MAX, "image data is empty or larger than 2 GiB");
    if (!stbi_info_from_memory(bytes, static_cast<int>(length), width, height, channels)) {
      const char* why = stbi_failure_reason();
      TORCH_CHECK(false, "not a decodable PNG, JPEG, BMP or GIF image (", why ? why : "unknown format", ")");
    }
  })
}

// Decodes to a uint8 tensor of shape [H, W, C]; desired_channels 0 keeps the file's own count.
TFN_EXPORT TfTensor tfn_image_decode(const uint8_t* bytes, int64_t length, int64_t max_pixels, int desired_channels) {
  TFN_GUARD(nullptr, {
    int w = 0, h = 0, c = 0;
    TORCH_CHECK(length > 0 && length <= INT32_MAX, "image data is empty or larger than 2 GiB");
    int64_t claimed_w = 0, claimed_h = 0;
    if (header_size(bytes, length, &claimed_w, &claimed_h)) check_pixel_limit(claimed_w, claimed_h, max_pixels);
    if (!stbi_info_from_memory(bytes, static_cast<int>(length), &w, &h, &c)) {
      const char* why = stbi_failure_reason();
      TORCH_CHECK(false, "not a decodable PNG, JPEG, BMP or GIF image (", why ? why : "unknown format", ")");
    }
    check_pixel_limit(w, h, max_pixels);
    int got = 0;
    stbi_uc* data = stbi_load_from_memory(bytes, static_cast<int>(length), &w, &h, &got, desired_channels);
    if (data == nullptr) {
      const char* why = stbi_failure_reason();
      TORCH_CHECK(false, "corrupt image data (", why ? why : "decode failed", ")");
    }
    int channels = desired_channels > 0 ? desired_channels : got;
    auto t = torch::empty({h, w, channels}, at::kByte);
    std::memcpy(t.data_ptr(), data, static_cast<size_t>(h) * w * channels);
    stbi_image_free(data);
    return tfn::wrap(t);
  })
}

namespace {
void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  auto* p = static_cast<uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}
}  // namespace

// Encodes a uint8 [H, W, C] tensor as PNG; returns the file's bytes as a 1-D uint8 tensor.
TFN_EXPORT TfTensor tfn_image_encode_png(TfTensor image) {
  TFN_GUARD(nullptr, {
    TORCH_CHECK(image->dim() == 3 && image->scalar_type() == at::kByte, "PNG encoding takes a uint8 tensor [H, W, C]");
    auto src = image->to(at::kCPU).contiguous();
    int h = static_cast<int>(src.size(0)), w = static_cast<int>(src.size(1)), c = static_cast<int>(src.size(2));
    TORCH_CHECK(c >= 1 && c <= 4, "PNG encoding takes 1 to 4 channels, got ", c);
    std::vector<uint8_t> out;
    TORCH_CHECK(stbi_write_png_to_func(append_bytes, &out, w, h, c, src.data_ptr(), w * c), "PNG encoding failed");
    auto t = torch::empty({static_cast<int64_t>(out.size())}, at::kByte);
    std::memcpy(t.data_ptr(), out.data(), out.size());
    return tfn::wrap(t);
  })
}
