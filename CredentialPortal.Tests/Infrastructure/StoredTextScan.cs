using System.Text;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>Looks for text in the raw bytes of a test database's SQLite file and its -wal, as UTF-8 and UTF-16.</summary>
public static class SqliteFileScan
{
    public static bool IsStored(PortalTestDatabase database, string text)
    {
        var files = new[] { database.DatabasePath, database.DatabasePath + "-wal" }.Where(File.Exists).ToArray();
        Assert.NotEmpty(files);
        return files.Select(File.ReadAllBytes).Any(bytes =>
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0);
    }

    public static void AssertAbsent(PortalTestDatabase database, params string[] values)
    {
        foreach (var value in values)
        {
            Assert.False(IsStored(database, value), $"'{value}' is stored in plaintext");
        }
    }
}
