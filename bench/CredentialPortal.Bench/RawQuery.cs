using System.Data.Common;

namespace CredentialPortal.Bench;

/// <summary>
/// The commands one service call executed, prepared once on an open connection (SQLite's or Npgsql's) and replayed as
/// they are: the floor that EF, the context and the connection pool add their cost to.
/// </summary>
internal sealed class RawQuery : IDisposable
{
    private readonly List<DbCommand> commands;

    public RawQuery(DbConnection connection, IReadOnlyList<RecordedCommand> recorded)
    {
        commands = recorded.Select(r => CreateCommand(connection, r)).ToList();
        foreach (var command in commands)
        {
            command.Prepare();
        }
    }

    /// <summary>Runs every command, reading every value as EF would; returns the rows of the last one (the page).</summary>
    public int Run()
    {
        var rows = 0;
        foreach (var command in commands)
        {
            using var reader = command.ExecuteReader();
            rows = 0;
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    _ = reader.GetValue(i);
                }
                rows++;
            }
        }
        return rows;
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
