using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>
/// Hears every transaction EF Core commits in this process (its DiagnosticListener), so that a test can wait for what the
/// app's background worker records without sleeping or polling: it checks its condition again after each commit. Commits
/// of other tests running meanwhile only cause an extra check.
/// </summary>
public sealed class DatabaseCommits : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly object gate = new();
    private readonly List<IDisposable> subscriptions = [];
    private readonly IDisposable listeners;
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DatabaseCommits() => listeners = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Completes when <paramref name="condition"/> holds, checked now and after every commit; fails after <see cref="Patience"/>.</summary>
    public async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task commit;
            lock (gate)
            {
                commit = next.Task; // taken before the read: a commit during it is not missed
            }
            var value = await read();
            if (condition(value))
            {
                return value;
            }
            try
            {
                await commit.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Waited {Patience.TotalSeconds} s for {what}; last seen: {value}");
            }
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.TransactionCommitted.Name));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        TaskCompletionSource committed;
        lock (gate)
        {
            committed = next;
            next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        committed.TrySetResult();
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        listeners.Dispose();
        lock (subscriptions)
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }
}
