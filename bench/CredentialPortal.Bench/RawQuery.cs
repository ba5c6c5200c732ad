using System.Data.Common;

namespace CredentialPortal.Bench;

/// <summary>
/// The commands one service call executed, prepared once on an open connection (SQLite's or Npgsql's) and replayed as
/// they are: the floor that EF, the context and the connection pool add their cost to.
/// </summary>
internal sealed class RawQuery : IDisposable
{
    private readonly List<DbCommand> commands;

    /// <summary>
    /// The command whose rows the call shows: for a list page the last with an ORDER BY (none when the search found
    /// nothing and the call stopped after its count: -1, no rows), otherwise the last.
    /// </summary>
    private readonly int page;

    public RawQuery(DbConnection connection, IReadOnlyList<RecordedCommand> recorded, bool listPage)
    {
        commands = recorded.Select(r => CreateCommand(connection, r)).ToList();
        page = listPage ? recorded.ToList().FindLastIndex(r => r.Text.Contains("ORDER BY", StringComparison.Ordinal)) : recorded.Count - 1;
        foreach (var command in commands)
        {
            command.Prepare();
        }
    }

    /// <summary>Runs every command, reading every value as EF would; returns the rows of the page's command.</summary>
    public int Run()
    {
        var pageRows = 0;
        for (var c = 0; c < commands.Count; c++)
        {
            using var reader = commands[c].ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    _ = reader.GetValue(i);
                }
                rows++;
            }
            if (c == page)
            {
                pageRows = rows;
            }
        }
        return pageRows;
    }

    /// <summary>The recorded command on <paramref name="connection"/>, its text after <paramref name="prefix"/>.</summary>
    public static DbCommand CreateCommand(DbConnection connection, RecordedCommand recorded, string prefix = "")
    {
        var command = connection.CreateCommand();
        command.CommandText = prefix + recorded.Text;
        foreach (var (name, value) in recorded.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public void Dispose()
    {
        foreach (var command in commands)
        {
            command.Dispose();
        }
    }
}
