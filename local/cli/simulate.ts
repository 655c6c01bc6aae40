export const simulateCommand: import("./command").Command = { summary: "", usage: "", run: async () => 0 };
