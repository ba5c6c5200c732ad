using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Bench;

/// <summary>A command EF sent, with its parameter values, so that the raw path replays exactly the same SQL.</summary>
internal sealed record RecordedCommand(string Text, IReadOnlyList<KeyValuePair<string, object?>> Parameters)
{
    /// <summary>The SQL as printed in the report, parameter values spelled out above it.</summary>
    public string Describe() =>
        string.Concat(Parameters.Select(p => $"-- {p.Key} = {Format(p.Value)}\n")) + Text;

    private static string Format(object? value) => value is string s ? $"'{s}'" : value?.ToString() ?? "NULL";
}

/// <summary>
/// Records the commands EF executes while switched on. Left installed during timing: when off it costs one
/// field read per command, which is noise next to a query.
/// </summary>
internal sealed class CommandRecorder : DbCommandInterceptor
{
    private readonly List<RecordedCommand> recorded = [];
    private bool recording;

    /// <summary>Runs <paramref name="action"/> once and returns the commands it executed, in order.</summary>
    public async Task<IReadOnlyList<RecordedCommand>> CaptureAsync(Func<Task> action)
    {
        recorded.Clear();
        recording = true;
        try
        {
            await action();
        }
        finally
        {
            recording = false;
        }
        return recorded.ToList();
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (!recording)
        {
            return;
        }
        var parameters = command.Parameters.Cast<DbParameter>()
            .Select(p => new KeyValuePair<string, object?>(p.ParameterName, p.Value is DBNull ? null : p.Value))
            .ToList();
        recorded.Add(new RecordedCommand(command.CommandText, parameters));
    }
}
