using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>The first page in every order the tab's headers offer.</summary>
public class ListPageBenchmarks : ListBenchmark
{
    [ParamsAllValues]
    public CredentialSort SortBy { get; set; }

    [ParamsAllValues]
    public bool Descending { get; set; }

    protected override CredentialListQuery CreateQuery() => new(SortBy: SortBy, Descending: Descending);
}
