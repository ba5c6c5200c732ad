using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>A query the services sent, with its parameters, so that a test can ask SQLite for its plan.</summary>
public sealed record RecordedCommand(string Text, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>Records the SQL of every query a context runs (added with <c>options.AddInterceptors</c>).</summary>
public sealed class CommandRecorder : DbCommandInterceptor
{
    public List<RecordedCommand> Commands { get; } = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        lock (Commands)
        {
            Commands.Add(new RecordedCommand(command.CommandText,
                command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
        }
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public static class SqlitePlans
{
    /// <summary>The detail lines of <c>EXPLAIN QUERY PLAN</c> for a recorded query, on the database file at <paramref name="databasePath"/>.</summary>
    public static async Task<List<string>> ExplainAsync(string databasePath, RecordedCommand command)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath}");
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Text;
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }
        return lines;
    }
}
