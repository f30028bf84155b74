using System.Diagnostics;
using TransferFunctions.Torch.NN;
using TransferFunctions.Torch.Optim;
using TransferFunctions.Torch.Tests.Support;
using Xunit.Abstractions;

namespace TransferFunctions.Torch.Tests;

/// <summary>End to end: the engine learns a real task to a known accuracy within a short budget.</summary>
[Trait("Category", "Slow")]
public class FashionMnistLearningTests(ITestOutputHelper output)
{
    private const int TrainCount = 10_000, TestCount = 2_000, BatchSize = 64, Epochs = 2;
    // Fashion-MNIST's pixel mean and standard deviation (on [0, 1]).
    private const double Mean = 0.2860, Std = 0.3530;

    private static Tensor Normalized(byte[] pixels, int count)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.FromArray(pixels, count, 1, FashionMnist.Side, FashionMnist.Side).To(ScalarType.Float32).Div(255.0).Sub(Mean).Div(Std);
        return scope.MoveToOuter(x);
    }

    [Fact]
    public void Small_cnn_trained_with_adamw_reaches_85_percent_on_fashion_mnist()
    {
        var clock = Stopwatch.StartNew();
        using var xTrain = Normalized(FashionMnist.Images("train", TrainCount), TrainCount);
        using var yTrain = torch.FromArray(FashionMnist.Labels("train", TrainCount).Select(b => (long)b).ToArray());
        using var xTest = Normalized(FashionMnist.Images("t10k", TestCount), TestCount);
        var yTest = FashionMnist.Labels("t10k", TestCount);
        Assert.Equal(10, yTest.Distinct().Count());

        torch.ManualSeed(2024);
        using var model = new Sequential(
            new Conv2d(1, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 32, 3, padding: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(32 * 7 * 7, 10));
        using var adam = new AdamW(model.Parameters(), learningRate: 2e-3, weightDecay: 1e-4);
        var stepsPerEpoch = (TrainCount + BatchSize - 1) / BatchSize;
        var schedule = new OneCycle(totalSteps: Epochs * stepsPerEpoch, pctStart: 0.2);

        long step = 0;
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            model.Train();
            using var order = torch.RandPerm(TrainCount);
            double lossSum = 0;
            for (var start = 0; start < TrainCount; start += BatchSize, step++)
            {
                using var scope = torch.NewDisposeScope();
                var idx = order.Narrow(0, start, Math.Min(BatchSize, TrainCount - start));
                schedule.Apply(adam, step);
                adam.ZeroGrad();
                var loss = Functional.CrossEntropy(model.Forward(xTrain.IndexSelect(0, idx)), yTrain.IndexSelect(0, idx));
                loss.Backward();
                adam.Step();
                lossSum += loss.Item();
            }
            output.WriteLine($"epoch {epoch}: mean loss {lossSum / stepsPerEpoch:F4} after {clock.Elapsed.TotalSeconds:F1}s");
        }

        model.Eval();
        int correct;
        using (var scope = torch.NewDisposeScope())
        using (torch.NoGrad())
        {
            var predicted = model.Forward(xTest).ArgMax(1).ToArray<long>();
            correct = predicted.Where((p, i) => p == yTest[i]).Count();
        }
        var accuracy = correct / (double)TestCount;
        output.WriteLine($"test accuracy {accuracy:P2} in {clock.Elapsed.TotalSeconds:F1}s");
        Assert.True(accuracy >= 0.85, $"accuracy {accuracy:P2} on the first {TestCount} test images is below 85%");
    }
}
