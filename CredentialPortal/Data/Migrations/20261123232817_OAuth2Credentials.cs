using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OAuth2Credentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ClientAuthentication",
                table: "Credentials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "GrantType",
                table: "Credentials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPassword",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPrivateKey",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedUsername",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RefreshTokenUrl",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scopes",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SigningAlgorithm",
                table: "Credentials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenUrl",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClientAuthentication",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "GrantType",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedPassword",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedPrivateKey",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedUsername",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "RefreshTokenUrl",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "Scopes",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "SigningAlgorithm",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "TokenUrl",
                table: "Credentials");
        }
    }
}
