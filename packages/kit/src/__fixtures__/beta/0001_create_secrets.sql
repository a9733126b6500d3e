create table beta.secrets (id int primary key, body text not null);
insert into beta.secrets values (1, 'only beta may read this');
