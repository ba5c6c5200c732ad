using CredentialPortal.Data;

namespace CredentialPortal.Bench;

/// <summary>
/// The engine the bench runs on: SQLite files (the default) or a fresh database on a PostgreSQL server. Held in
/// environment variables, because BenchmarkDotNet runs each benchmark in a child process that inherits them;
/// <c>--provider</c> and <c>--postgres</c> on the command line set them.
/// </summary>
internal static class BenchProvider
{
    public const string ProviderVariable = "BENCH_PROVIDER";
    public const string PostgresVariable = "BENCH_POSTGRES";

    public static DatabaseProvider Current =>
        Environment.GetEnvironmentVariable(ProviderVariable) is { Length: > 0 } value
            ? Enum.Parse<DatabaseProvider>(value, ignoreCase: true)
            : DatabaseProvider.Sqlite;

    /// <summary>The server's connection string (any database on it: the bench creates its own next to it).</summary>
    public static string Server => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException(
            $"--provider Postgres needs --postgres \"<connection string>\" (or {PostgresVariable}); scripts/postgres.sh start prints one for a private server.");

    public const string Usage = """
        Database (every mode, and the BenchmarkDotNet benchmarks):
          --provider Sqlite|Postgres  the engine (default Sqlite: a file in a temp folder); or BENCH_PROVIDER
          --postgres "<connection string>"  the PostgreSQL server (scripts/postgres.sh start prints one); or BENCH_POSTGRES.
                                      The bench creates a database of its own on it and drops it at the end
          --keep                      keep the database (the SQLite file, or the PostgreSQL database) after the run
        """;

    /// <summary>
    /// Takes <c>--provider</c> and <c>--postgres</c> out of <paramref name="args"/> into the environment; null (after
    /// saying why) when a value is missing or unknown.
    /// </summary>
    public static List<string>? Take(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--provider" when i + 1 < args.Length && Enum.TryParse<DatabaseProvider>(args[i + 1], ignoreCase: true, out var provider) && Enum.IsDefined(provider):
                    Environment.SetEnvironmentVariable(ProviderVariable, provider.ToString());
                    i++;
                    break;
                case "--postgres" when i + 1 < args.Length:
                    Environment.SetEnvironmentVariable(PostgresVariable, args[++i]);
                    break;
                case "--provider" or "--postgres":
                    Console.Error.WriteLine($"{args[i]} needs a value.\n{Usage}");
                    return null;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (Current == DatabaseProvider.Postgres)
        {
            try
            {
                _ = Server;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }
        return rest;
    }
}
