using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>Pages far from the first, where OFFSET would read every row before them.</summary>
public class DeepPageBenchmarks : ListBenchmark
{
    private const int LastPage = (Rows - 1) / 25;

    internal static readonly (string Label, CredentialListQuery Query)[] Cases =
    [
        ($"page {LastPage / 2} (middle), LastModified desc", new(Page: LastPage / 2)),
        ($"page {LastPage * 3 / 4}, LastModified desc", new(Page: LastPage * 3 / 4)),
        ($"page {LastPage} (last), LastModified desc", new(Page: LastPage)),
        ($"page {LastPage / 2} (middle), Name asc", new(SortBy: CredentialSort.Name, Descending: false, Page: LastPage / 2)),
        ($"page {LastPage / 2} (middle), Type desc", new(SortBy: CredentialSort.Type, Descending: true, Page: LastPage / 2)),
    ];

    public static IEnumerable<string> Pages => Cases.Select(c => c.Label);

    [ParamsSource(nameof(Pages))]
    public string Page { get; set; } = "";

    protected override CredentialListQuery CreateQuery() => Cases.Single(c => c.Label == Page).Query;
}
