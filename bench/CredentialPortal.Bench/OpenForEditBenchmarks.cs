using System.Data.Common;
using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>Opening one credential for edit: the row by id, its hints decrypted as the form shows them.</summary>
public class OpenForEditBenchmarks : CredentialBenchmark
{
    /// <summary>A row of the fill, the same in every run.</summary>
    private static readonly int EditId = new Random(BenchDatabase.Seed).Next(1, Rows + 1);

    protected override string Label => $"GetForEditAsync({EditId})";

    [Benchmark]
    public Task<CredentialForEdit?> Portal() => Credentials.GetForEditAsync(EditId);

    protected override async Task<int> CallAsync() => await Portal() is null ? 0 : 1;

    protected override async Task<string?> CheckAsync(DbConnection raw)
    {
        var edit = await Portal();
        // Every row of the fill has the client id ending in 0001: its hint comes back (the client id is not decrypted to open the form).
        return edit is { ClientIdHint: "0001", HasClientId: true } && edit.Id == EditId ? null : "edit did not load the credential with its hint";
    }
}
