import { defineConfig } from './src/config/index.js';

// The paper this project publishes. Everything not given here takes a default
// (see src/config/schema.ts): a 对开 broadsheet of 8 columns × 13 characters.
export default defineConfig({
  paper: {
    name: '海岸新闻',
    nameLatin: 'HAI AN XIN WEN',
    cn: 'CN 37-0099',
    publisher: '海岸新闻社',
    address: '山东省青岛市黄岛区海岸路 1 号',
    phone: '0532-80000000',
  },
  site: {
    url: 'https://epaper.example.cn',
    basePath: '/',
  },
  print: {
    preset: 'broadsheet',
  },
});
