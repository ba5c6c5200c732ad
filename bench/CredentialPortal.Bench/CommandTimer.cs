using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Bench;

/// <summary>
/// Times every command EF executes while switched on, as EF measured it (for a SQLite reader: until the first row or
/// the end, so any wait for a lock is inside). Thread-safe: the delivery phase runs many calls at once.
/// </summary>
internal sealed class CommandTimer : DbCommandInterceptor
{
    private ConcurrentQueue<(string Verb, double Milliseconds)>? timings;

    /// <summary>Starts collecting; returns what was collected since the previous start.</summary>
    public void Start() => timings = new();

    public IReadOnlyList<(string Verb, double Milliseconds)> Stop()
    {
        var collected = timings;
        timings = null;
        return collected?.ToList() ?? [];
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Record(command, eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command, CommandExecutedEventData eventData)
    {
        if (timings is not { } collecting)
        {
            return;
        }
        var text = command.CommandText.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n');
        collecting.Enqueue((text[..(end < 0 ? text.Length : end)].ToString().ToUpperInvariant(), eventData.Duration.TotalMilliseconds));
    }
}
