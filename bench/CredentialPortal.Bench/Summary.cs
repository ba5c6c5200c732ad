namespace CredentialPortal.Bench;

/// <summary>Median and p95 of a set of times in milliseconds (nearest rank).</summary>
internal readonly record struct Summary(double Median, double P95)
{
    /// <summary>Sorts <paramref name="milliseconds"/> in place.</summary>
    public static Summary Of(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new(double.NaN, double.NaN);
        }
        milliseconds.Sort();
        return new(Rank(milliseconds, 0.50), Rank(milliseconds, 0.95));
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Rank(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
