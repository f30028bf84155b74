namespace TransferFunctions.Learning.Strategies;

/// <summary>How domain adaptation pulls the features of labeled and unlabeled target batches together.</summary>
public enum AlignmentLoss
{
    /// <summary>Deep CORAL (Sun &amp; Saenko, 2016): squared Frobenius distance of the feature covariances, / 4d².</summary>
    Coral,

    /// <summary>Squared maximum mean discrepancy with a sum of Gaussian kernels around the median distance.</summary>
    Mmd,

    /// <summary>No alignment term; only AdaBN.</summary>
    None,
}
