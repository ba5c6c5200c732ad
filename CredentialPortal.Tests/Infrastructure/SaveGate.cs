using System.Data.Common;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Holds every save that adds or changes a <typeparamref name="T"/> just before it reaches SQLite, until the test opens the gate: a
/// save "in flight" for as long as the test needs, with no timing involved. Everything else (the real service, the real
/// database file) runs as it does in the app.
/// </summary>
public sealed class SaveGate<T> : SaveChangesInterceptor, IDbCommandInterceptor where T : class
{
    private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim arrivals = new(0);
    private int held;

    /// <summary>Off: saves pass straight through (a test's own set-up before the part it holds).</summary>
    public bool Armed { get; set; } = true;

    /// <summary>Saves held so far.</summary>
    public int Held => Volatile.Read(ref held);

    /// <summary>Adds the gate to the portal's database context (pass to <see cref="PortalTestDatabase.CreateAsync"/>).</summary>
    public void Register(IServiceCollection services) =>
        services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors((IInterceptor)this));

    /// <summary>Completes once <paramref name="count"/> saves (in all) are held at the gate.</summary>
    public async Task WaitForHeldAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await arrivals.WaitAsync(TimeSpan.FromSeconds(30)), $"{count} saves never reached the gate");
        }
        for (var i = 0; i < count; i++)
        {
            arrivals.Release(); // a later wait counts from the start again
        }
    }

    public void Open() => open.TrySetResult();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Armed && eventData.Context!.ChangeTracker.Entries<T>().Any(e => e.State is EntityState.Added or EntityState.Modified))
        {
            await HoldAsync(cancellationToken);
        }
        return result;
    }

    /// <summary>The rows that a service inserts many at a time in one statement (RowInsert), held the same way.</summary>
    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Armed && eventData.Context?.Model.FindEntityType(typeof(T))?.GetTableName() is { } table
            && command.CommandText.StartsWith($"INSERT INTO \"{table}\" ", StringComparison.Ordinal))
        {
            await HoldAsync(cancellationToken);
        }
        return result;
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref held);
        arrivals.Release();
        await open.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken); // a test that forgot to open fails, not hangs
    }
}
