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

#include <cstring>
#include <sstream>
#include "common.h"

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
    if (!stbi_info_from_memory(bytes, static_cast<int>(length), &w, &h, &c)) {
      const char* why = stbi_failure_reason();
      TORCH_CHECK(false, "not a decodable PNG, JPEG, BMP or GIF image (", why ? why : "unknown format", ")");
    }
    int64_t pixels = static_cast<int64_t>(w) * h;
    TORCH_CHECK(max_pixels <= 0 || pixels <= max_pixels, "image is ", w, "x", h, " = ", pixels,
                " pixels, above the limit of ", max_pixels);
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
