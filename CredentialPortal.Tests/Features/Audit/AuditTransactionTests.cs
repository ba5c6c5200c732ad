using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

/// <summary>An entry commits with its change or not at all.</summary>
public sealed class AuditTransactionTests
{
    [Fact]
    public async Task Two_edits_racing_on_one_version_leave_one_change_and_one_entry()
    {
        var gate = new SaveGate<Credential> { Armed = false };
        await using var database = await PortalTestDatabase.CreateAsync(gate.Register);
        var id = (await database.Credentials.CreateAsync(CredentialInputs.ClientId("Hyrule"))).Id;
        var first = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        var second = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        first.Name = "first";
        second.Name = "second";

        gate.Armed = true;
        var saves = new[] { database.Credentials.UpdateAsync(id, first), database.Credentials.UpdateAsync(id, second) };
        await gate.WaitForHeldAsync(2); // both read version 1 and are about to write
        gate.Open();
        var results = await Task.WhenAll(saves);

        Assert.Equal([SaveStatus.Saved, SaveStatus.Conflict], results.Select(r => r.Status).Order());
        var winner = (await database.Credentials.GetForEditAsync(id))!.Name;
        var (_, changes) = await AuditLog.SingleAsync(database, "credential.edited");
        Assert.Equal(new AuditChange("Name", "Hyrule", winner), Assert.Single(changes));
    }

    [Fact]
    public async Task A_save_the_database_fails_leaves_neither_the_change_nor_its_entry()
    {
        var failing = new FailingCredentialInsert();
        await using var database = await PortalTestDatabase.CreateAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(failing)));

        await Assert.ThrowsAnyAsync<Exception>(() => database.Credentials.CreateAsync(CredentialInputs.ClientId("Hyrule")));

        await using var db = await database.CreateDbContextAsync();
        Assert.Equal((0, 0), (await db.Credentials.CountAsync(), await db.AuditEntries.CountAsync()));
    }

    /// <summary>The database refusing the credential's row, after the entry's row may already have been written.</summary>
    private sealed class FailingCredentialInsert : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("INSERT INTO \"Credentials\"", StringComparison.Ordinal)
                ? throw new InvalidOperationException("The database refused the row.")
                : ValueTask.FromResult(result);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("INSERT INTO \"Credentials\"", StringComparison.Ordinal)
                ? throw new InvalidOperationException("The database refused the row.")
                : ValueTask.FromResult(result);
    }
}
