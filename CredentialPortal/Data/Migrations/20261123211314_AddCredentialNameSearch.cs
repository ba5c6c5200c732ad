using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <summary>
    /// An FTS5 trigram index over credential names, kept in step by triggers, so that a name-fragment search
    /// finds rows through the index instead of scanning the table with LIKE '%…%'.
    /// </summary>
    public partial class AddCredentialNameSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE CredentialNameSearch USING fts5(
                    Name, content='Credentials', content_rowid='Id', tokenize='trigram');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Credentials_NameSearch_Insert AFTER INSERT ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(rowid, Name) VALUES (new.Id, new.Name);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Credentials_NameSearch_Delete AFTER DELETE ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(CredentialNameSearch, rowid, Name) VALUES ('delete', old.Id, old.Name);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Credentials_NameSearch_Update AFTER UPDATE OF Name ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(CredentialNameSearch, rowid, Name) VALUES ('delete', old.Id, old.Name);
                    INSERT INTO CredentialNameSearch(rowid, Name) VALUES (new.Id, new.Name);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO CredentialNameSearch(CredentialNameSearch) VALUES ('rebuild');");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS CredentialNameSearch;");
        }
    }
}
