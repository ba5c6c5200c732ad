using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>
/// The name search: common and rare words, short fragments the name index cannot serve (LIKE), deep pages of a search
/// (the reverse walk, the count bound) and fragments with few or no matches (a full scan, no early stop).
/// </summary>
public class NameSearchBenchmarks : ListBenchmark
{
    internal static readonly (string Label, CredentialListQuery Query)[] Cases =
    [
        ("'invoice' (one word)", new(Search: "invoice")),
        ("'slack orders' (rare)", new(Search: "slack orders")),
        ("'ing' (broad, 3 chars)", new(Search: "ing")),
        ("'ing', Name asc", new(Search: "ing", SortBy: CredentialSort.Name, Descending: false)),
        ("'ay' (2 chars, LIKE)", new(Search: "ay")),
        ("'invoice', page 77 (middle)", new(Search: "invoice", Page: 77)),
        ("'ay', page 39 (count bound)", new(Search: "ay", Page: 39)),
        ("'03' (2 chars, 877 hits)", new(Search: "03")),
        ("'qz' (2 chars, no hit)", new(Search: "qz")),
    ];

    public static IEnumerable<string> Searches => Cases.Select(c => c.Label);

    [ParamsSource(nameof(Searches))]
    public string Search { get; set; } = "";

    protected override CredentialListQuery CreateQuery() => Cases.Single(c => c.Label == Search).Query;
}
