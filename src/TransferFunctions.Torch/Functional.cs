using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>Stateless neural-network operations and losses (PyTorch's <c>torch.nn.functional</c>).</summary>
public static class Functional
{
    private static Tensor Wrap(IntPtr r, object? a = null, object? b = null, object? c = null) => Tensor.Wrap(r, a, b, c);
    private static IntPtr P(Tensor? t) => Tensor.PtrOrNull(t);

    private static long[] Pair(long v) => new[] { v, v };

    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Wrap(N.tfn_nn_linear(input.Ptr, weight.Ptr, P(bias)), input, weight, bias);

    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Conv2d(input, weight, bias, Pair(stride), Pair(padding), Pair(dilation), groups);

    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups = 1)
    {
        fixed (long* s = stride)
        fixed (long* p = padding)
        fixed (long* d = dilation)
            return Wrap(N.tfn_nn_conv2d(input.Ptr, weight.Ptr, P(bias), s, p, d, groups), input, weight, bias);
    }

    /// <summary>
    /// Batch normalization. In training it normalizes with batch statistics and updates the running
    /// ones in place (<c>running = (1-momentum)·running + momentum·batch</c>, unbiased variance).
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        var r = N.tfn_nn_batch_norm(input.Ptr, P(weight), P(bias), P(runningMean), P(runningVar), training ? 1 : 0, momentum, eps);
        GC.KeepAlive(runningMean);
        GC.KeepAlive(runningVar);
        return Wrap(r, input, weight, bias);
    }

    public static unsafe Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
            return Wrap(N.tfn_nn_layer_norm(input.Ptr, s, normalizedShape.Length, P(weight), P(bias), eps), input, weight, bias);
    }

    public static Tensor Relu(Tensor x) => x.Relu();

    /// <summary>ReLU applied in place: saves an allocation when <paramref name="x"/> is a temporary.</summary>
    public static Tensor ReluInPlace(Tensor x) => Wrap(N.tfn_nn_relu_(x.Ptr), x);

    public static Tensor Gelu(Tensor x) => x.Gelu();
    public static Tensor Silu(Tensor x) => x.Silu();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Softmax(Tensor x, long dim) => Wrap(N.tfn_nn_softmax(x.Ptr, dim), x);
    public static Tensor LogSoftmax(Tensor x, long dim) => Wrap(N.tfn_nn_log_softmax(x.Ptr, dim), x);
    public static Tensor Dropout(Tensor x, double p = 0.5, bool training = true) => Wrap(N.tfn_nn_dropout(x.Ptr, p, training ? 1 : 0), x);

    public static unsafe Tensor MaxPool2d(Tensor x, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    {
        long[] k = Pair(kernelSize), s = Pair(stride ?? kernelSize), p = Pair(padding), d = Pair(dilation);
        fixed (long* pk = k)
        fixed (long* ps = s)
        fixed (long* pp = p)
        fixed (long* pd = d)
            return Wrap(N.tfn_nn_max_pool2d(x.Ptr, pk, ps, pp, pd, ceilMode ? 1 : 0), x);
    }

    public static unsafe Tensor AvgPool2d(Tensor x, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        long[] k = Pair(kernelSize), s = Pair(stride ?? kernelSize), p = Pair(padding);
        fixed (long* pk = k)
        fixed (long* ps = s)
        fixed (long* pp = p)
            return Wrap(N.tfn_nn_avg_pool2d(x.Ptr, pk, ps, pp, ceilMode ? 1 : 0, countIncludePad ? 1 : 0), x);
    }

    public static unsafe Tensor AdaptiveAvgPool2d(Tensor x, long outputHeight, long outputWidth)
    {
        long* size = stackalloc long[2] { outputHeight, outputWidth };
        return Wrap(N.tfn_nn_adaptive_avg_pool2d(x.Ptr, size), x);
    }

    /// <summary>Bilinear resize of an [N, C, H, W] tensor.</summary>
    public static Tensor InterpolateBilinear(Tensor x, long height, long width, bool alignCorners = false, bool antialias = false) =>
        Wrap(N.tfn_nn_interpolate_bilinear(x.Ptr, height, width, alignCorners ? 1 : 0, antialias ? 1 : 0), x);

    /// <summary>Cross-entropy over logits [N, C] and int64 class targets [N].</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0) =>
        Wrap(N.tfn_nn_cross_entropy(logits.Ptr, target.Ptr, P(weight), (long)reduction, ignoreIndex, labelSmoothing), logits, target, weight);

    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Wrap(N.tfn_nn_nll_loss(logProbabilities.Ptr, target.Ptr, P(weight), (long)reduction, ignoreIndex), logProbabilities, target, weight);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(N.tfn_nn_mse_loss(input.Ptr, target.Ptr, (long)reduction), input, target);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        var r = N.tfn_nn_bce_with_logits(logits.Ptr, target.Ptr, P(weight), P(posWeight), (long)reduction);
        GC.KeepAlive(posWeight);
        return Wrap(r, logits, target, weight);
    }
}
