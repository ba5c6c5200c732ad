using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Features.Audit;

/// <summary>The trail can only grow: a save that would change or remove an entry was refused.</summary>
public sealed class AuditAppendOnlyException(string message) : InvalidOperationException(message);

/// <summary>
/// Keeps the audit trail append-only for every context: a save with a modified or deleted <see cref="AuditEntry"/>
/// throws before anything is written, and so does a bulk UPDATE or DELETE of the table
/// (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, which bypass the change tracker).
/// </summary>
public sealed class AuditAppendOnly : SaveChangesInterceptor, IDbCommandInterceptor
{
    public static readonly AuditAppendOnly Instance = new();

    private const string Refusal = "Audit entries are append-only: they cannot be changed or deleted.";

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new AuditAppendOnlyException(Refusal);
        }
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        CheckCommand(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        CheckCommand(command);
        return ValueTask.FromResult(result);
    }

    private static void CheckCommand(DbCommand command)
    {
        var text = command.CommandText;
        if (text.Contains("UPDATE \"AuditEntries\"", StringComparison.OrdinalIgnoreCase)
            || text.Contains("DELETE FROM \"AuditEntries\"", StringComparison.OrdinalIgnoreCase))
        {
            throw new AuditAppendOnlyException(Refusal);
        }
    }
}
