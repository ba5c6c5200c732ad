using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class DescendingTypeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "Type", "LastModifiedUtc", "Id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "Type", "LastModifiedUtc", "Id" });
        }
    }
}
