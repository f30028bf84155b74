// Functional neural-network ops and losses. Reductions: 0 none, 1 mean, 2 sum (as at::Reduction).
#include "common.h"

using tfn::dims;
using tfn::optional_tensor;
namespace F = torch::nn::functional;

TFN_EXPORT TfTensor tfn_nn_linear(TfTensor x, TfTensor w, TfTensor b) { TFN_TENSOR(torch::linear(*x, *w, optional_tensor(b))) }

TFN_EXPORT TfTensor tfn_nn_conv2d(TfTensor x, TfTensor w, TfTensor b, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, int64_t groups) {
  TFN_TENSOR(torch::conv2d(*x, *w, optional_tensor(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups))
}

TFN_EXPORT TfTensor tfn_nn_batch_norm(TfTensor x, TfTensor weight, TfTensor bias, TfTensor running_mean, TfTensor running_var,
                                      int training, double momentum, double eps) {
  TFN_TENSOR(torch::batch_norm(*x, optional_tensor(weight), optional_tensor(bias), optional_tensor(running_mean),
                               optional_tensor(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true))
}

TFN_EXPORT TfTensor tfn_nn_layer_norm(TfTensor x, const int64_t* shape, int64_t nd, TfTensor w, TfTensor b, double eps) {
  TFN_TENSOR(torch::layer_norm(*x, dims(shape, nd), optional_tensor(w), optional_tensor(b), eps))
}

TFN_EXPORT TfTensor tfn_nn_softmax(TfTensor x, int64_t dim) { TFN_TENSOR(torch::softmax(*x, dim)) }
TFN_EXPORT TfTensor tfn_nn_log_softmax(TfTensor x, int64_t dim) { TFN_TENSOR(torch::log_softmax(*x, dim)) }
TFN_EXPORT TfTensor tfn_nn_dropout(TfTensor x, double p, int training) { TFN_TENSOR(torch::dropout(*x, p, training != 0)) }
TFN_EXPORT TfTensor tfn_nn_relu_(TfTensor x) { TFN_TENSOR(torch::relu_(*x)) }

TFN_EXPORT TfTensor tfn_nn_max_pool2d(TfTensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                      const int64_t* dilation, int ceil_mode) {
  TFN_TENSOR(torch::max_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2), dims(dilation, 2), ceil_mode != 0))
}
TFN_EXPORT TfTensor tfn_nn_avg_pool2d(TfTensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                      int ceil_mode, int count_include_pad) {
  TFN_TENSOR(torch::avg_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2), ceil_mode != 0, count_include_pad != 0))
}
TFN_EXPORT TfTensor tfn_nn_adaptive_avg_pool2d(TfTensor x, const int64_t* size) {
  TFN_TENSOR(torch::adaptive_avg_pool2d(*x, dims(size, 2)))
}
TFN_EXPORT TfTensor tfn_nn_interpolate_bilinear(TfTensor x, int64_t h, int64_t w, int align_corners, int antialias) {
  TFN_TENSOR(F::interpolate(*x, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{h, w})
                                    .mode(torch::kBilinear)
                                    .align_corners(align_corners != 0)
                                    .antialias(antialias != 0)))
}

TFN_EXPORT TfTensor tfn_nn_cross_entropy(TfTensor logits, TfTensor target, TfTensor weight, int64_t reduction,
                                         int64_t ignore_index, double label_smoothing) {
  TFN_TENSOR(torch::cross_entropy_loss(*logits, *target, optional_tensor(weight), reduction, ignore_index, label_smoothing))
}
TFN_EXPORT TfTensor tfn_nn_nll_loss(TfTensor logp, TfTensor target, TfTensor weight, int64_t reduction, int64_t ignore_index) {
  TFN_TENSOR(torch::nll_loss_nd(*logp, *target, optional_tensor(weight), reduction, ignore_index))
}
TFN_EXPORT TfTensor tfn_nn_mse_loss(TfTensor x, TfTensor y, int64_t reduction) { TFN_TENSOR(torch::mse_loss(*x, *y, reduction)) }
TFN_EXPORT TfTensor tfn_nn_bce_with_logits(TfTensor x, TfTensor y, TfTensor weight, TfTensor pos_weight, int64_t reduction) {
  TFN_TENSOR(torch::binary_cross_entropy_with_logits(*x, *y, optional_tensor(weight), optional_tensor(pos_weight), reduction))
}
