using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <summary>
    /// Hints (the last 4 characters of long write-only values) saved with them, and the type's display name as the Type
    /// sort key with its index in place of the index on the type number.
    /// </summary>
    public partial class CredentialHintsAndTypeName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.AddColumn<string>(
                name: "ClientIdHint",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PasswordHint",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SecretHint",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TypeName",
                table: "Credentials",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "",
                collation: "NOCASE");

            // Existing rows get their type's display name (the list sorts Type by it); their hints stay null, which the
            // form shows as "Configured" (a hint is only ever made when a value is saved).
            migrationBuilder.Sql("""
                UPDATE "Credentials" SET "TypeName" = CASE "Type"
                    WHEN 1 THEN 'Client ID'
                    WHEN 2 THEN 'Client ID and Secret'
                    WHEN 3 THEN 'Bearer Token'
                    WHEN 4 THEN 'Basic Auth'
                    WHEN 5 THEN 'HMAC Signature'
                    WHEN 6 THEN 'OAuth 2.0'
                    ELSE CAST("Type" AS TEXT) END
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "TypeName", "LastModifiedUtc", "Id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ClientIdHint",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "PasswordHint",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "SecretHint",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "TypeName",
                table: "Credentials");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "Type", "LastModifiedUtc", "Id" },
                descending: new[] { false, true, true });
        }
    }
}
