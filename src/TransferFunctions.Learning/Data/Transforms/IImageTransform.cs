namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>
/// A transform of one image. Random transforms draw their parameters only from the <c>random</c> argument, which
/// the loader seeds from (seed, epoch, example), so results never depend on thread timing.
/// </summary>
public interface IImageTransform
{
    ImageArray Apply(ImageArray image, Random random);
}
